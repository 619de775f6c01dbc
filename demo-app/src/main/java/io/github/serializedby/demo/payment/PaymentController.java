package io.github.serializedby.demo.payment;

import static io.github.serializedby.demo.problem.InvalidRequestException.requirePositive;

import io.github.serializedby.spring.idempotency.Idempotent;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments} creates an empty payment (once per {@code Idempotency-Key}, when the client sends
 * one); {@code PUT /payments/{id}} conducts it (200 with the
 * paid payment, also when it was paid before; 409 while another request is conducting it).
 */
@RestController
public class PaymentController {

    private final PaymentService service;

    public PaymentController(PaymentService service) {
        this.service = service;
    }

    /** Body of {@code POST /payments}. */
    public record NewPayment(@Nullable Long amount) {}

    /** A retry with the same {@code Idempotency-Key} gets the payment the first request created. */
    @PostMapping("/payments")
    @Idempotent(required = false)
    public ResponseEntity<Payment> create(@RequestBody NewPayment request) {
        Payment payment = service.create(requirePositive("amount", request.amount()));
        return ResponseEntity.created(URI.create("/payments/" + payment.id())).body(payment);
    }

    @GetMapping("/payments/{id}")
    public Payment get(@PathVariable long id) {
        return service.get(id);
    }

    @PutMapping("/payments/{id}")
    public Payment conduct(@PathVariable long id) {
        return service.conduct(id);
    }
}
