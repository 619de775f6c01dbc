package io.github.serializedby.demo.ticket;

import static io.github.serializedby.demo.problem.InvalidRequestException.requireText;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /events} and their tickets. {@code POST /events/{id}/tickets} answers 201 when it created the
 * user's ticket and 200 when the user already had one.
 */
@RestController
public class TicketController {

    private final TicketService service;

    public TicketController(TicketService service) {
        this.service = service;
    }

    /** Body of {@code POST /events/{id}/tickets}. */
    public record TicketRequest(@Nullable String userId) {}

    @GetMapping("/events")
    public List<Event> events() {
        return service.events();
    }

    @GetMapping("/events/{eventId}")
    public Event event(@PathVariable long eventId) {
        return service.event(eventId);
    }

    @GetMapping("/events/{eventId}/tickets")
    public List<Ticket> tickets(@PathVariable long eventId, @RequestParam(required = false) @Nullable String userId) {
        return userId == null ? service.tickets(eventId) : service.tickets(eventId, userId);
    }

    @PostMapping("/events/{eventId}/tickets")
    public ResponseEntity<Ticket> participate(@PathVariable long eventId, @RequestBody TicketRequest request) {
        Participation participation = service.participate(eventId, requireText("userId", request.userId()));
        return ResponseEntity.status(participation.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(participation.ticket());
    }
}
