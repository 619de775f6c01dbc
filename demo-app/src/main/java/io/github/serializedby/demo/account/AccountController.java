package io.github.serializedby.demo.account;

import static io.github.serializedby.demo.problem.InvalidRequestException.requirePositive;
import static io.github.serializedby.demo.problem.InvalidRequestException.requireText;

import io.github.serializedby.demo.problem.InvalidRequestException;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /accounts}, their withdrawals, and {@code /transfers}. Requests are checked before any lock. */
@RestController
public class AccountController {

    private final AccountService service;

    public AccountController(AccountService service) {
        this.service = service;
    }

    /** Body of {@code POST /accounts}. */
    public record NewAccount(
            @Nullable String owner, @Nullable Long balance) {}

    /** Body of {@code POST /accounts/{id}/withdrawals}. */
    public record WithdrawalRequest(@Nullable Long amount) {}

    /** Body of {@code POST /transfers}. */
    public record TransferRequest(
            @Nullable Long from,
            @Nullable Long to,
            @Nullable Long amount) {}

    @PostMapping("/accounts")
    public ResponseEntity<Account> open(@RequestBody NewAccount request) {
        String owner = requireText("owner", request.owner());
        Long balance = request.balance();
        if (balance == null || balance < 0) {
            throw new InvalidRequestException("balance", "'balance' is required and must not be negative");
        }
        Account account = service.open(owner, balance);
        return ResponseEntity.created(URI.create("/accounts/" + account.id())).body(account);
    }

    @GetMapping("/accounts/{id}")
    public Account get(@PathVariable long id) {
        return service.get(id);
    }

    @GetMapping("/accounts/{id}/withdrawals")
    public List<Withdrawal> withdrawals(@PathVariable long id) {
        return service.withdrawals(id);
    }

    @PostMapping("/accounts/{id}/withdrawals")
    public Withdrawal withdraw(@PathVariable long id, @RequestBody WithdrawalRequest request) {
        return service.withdraw(id, requirePositive("amount", request.amount()));
    }

    @PostMapping("/transfers")
    public Transfer transfer(@RequestBody TransferRequest request) {
        long from = requirePresent("from", request.from());
        long to = requirePresent("to", request.to());
        long amount = requirePositive("amount", request.amount());
        if (from == to) {
            throw new InvalidRequestException("to", "'from' and 'to' must be different accounts");
        }
        return service.transfer(from, to, amount);
    }

    private static long requirePresent(String field, @Nullable Long value) {
        if (value == null) {
            throw new InvalidRequestException(field, "'" + field + "' is required");
        }
        return value;
    }
}
