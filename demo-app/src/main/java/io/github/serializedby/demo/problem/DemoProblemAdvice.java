package io.github.serializedby.demo.problem;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers the demo's business errors with problem details. Spring's own errors (a malformed body, a
 * wrong path variable, an unknown path) are answered by Spring Boot's handler ({@code
 * spring.mvc.problemdetails.enabled=true}), lock failures by the starter's {@code
 * LockProblemDetailsAdvice}.
 */
@RestControllerAdvice
public class DemoProblemAdvice {

    /** The prefix of the demo's problem types. */
    public static final String TYPE_PREFIX = "urn:serialized-by:demo:problem:";

    public static final URI NOT_FOUND = URI.create(TYPE_PREFIX + "not-found");
    public static final URI INVALID_REQUEST = URI.create(TYPE_PREFIX + "invalid-request");
    public static final URI INSUFFICIENT_FUNDS = URI.create(TYPE_PREFIX + "insufficient-funds");
    public static final URI FORM_ERROR = URI.create(TYPE_PREFIX + "form-error");
    public static final URI SOLD_OUT = URI.create(TYPE_PREFIX + "sold-out");

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, NOT_FOUND, "Not found", e.getMessage());
        problem.setProperty("resource", e.resource());
        problem.setProperty("id", e.id());
        return answer(problem);
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid request", e.getMessage());
        problem.setProperty("field", e.field());
        return answer(problem);
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> insufficientFunds(InsufficientFundsException e) {
        ProblemDetail problem =
                problem(HttpStatus.UNPROCESSABLE_CONTENT, INSUFFICIENT_FUNDS, "Insufficient funds", e.getMessage());
        problem.setProperty("accountId", e.accountId());
        problem.setProperty("balance", e.balance());
        problem.setProperty("amount", e.amount());
        return answer(problem);
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> formError(FormErrorException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, FORM_ERROR, "Form error", e.getMessage());
        problem.setProperty("field", e.field());
        return answer(problem);
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> soldOut(SoldOutException e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, SOLD_OUT, "Sold out", e.getMessage());
        problem.setProperty("concertId", e.concertId());
        problem.setProperty("seats", e.seats());
        return answer(problem);
    }

    private static ProblemDetail problem(HttpStatus status, URI type, String title, @Nullable String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
