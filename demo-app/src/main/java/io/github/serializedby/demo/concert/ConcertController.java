package io.github.serializedby.demo.concert;

import static io.github.serializedby.demo.problem.InvalidRequestException.requireText;

import io.github.serializedby.demo.problem.InvalidRequestException;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /concerts} and their seats. {@code POST /concerts/{id}/seats} answers 201 with the seat, 422
 * when the concert is sold out, and 429 when too many buyers already wait for that concert.
 */
@RestController
public class ConcertController {

    private final ConcertService service;

    public ConcertController(ConcertService service) {
        this.service = service;
    }

    /** Body of {@code POST /concerts}. */
    public record NewConcert(
            @Nullable String title, @Nullable Long seats) {}

    /** Body of {@code POST /concerts/{id}/seats}. */
    public record SeatRequest(@Nullable String userId) {}

    @PostMapping("/concerts")
    public ResponseEntity<Concert> create(@RequestBody NewConcert request) {
        String title = requireText("title", request.title());
        Long seats = request.seats();
        if (seats == null || seats < 0) {
            throw new InvalidRequestException("seats", "'seats' is required and must not be negative");
        }
        Concert concert = service.create(title, seats);
        return ResponseEntity.created(URI.create("/concerts/" + concert.id())).body(concert);
    }

    @GetMapping("/concerts/{concertId}")
    public Concert concert(@PathVariable long concertId) {
        return service.concert(concertId);
    }

    @PostMapping("/concerts/{concertId}/seats")
    public ResponseEntity<Seat> buy(@PathVariable long concertId, @RequestBody SeatRequest request) {
        Seat seat = service.buy(concertId, requireText("userId", request.userId()));
        return ResponseEntity.status(HttpStatus.CREATED).body(seat);
    }
}
