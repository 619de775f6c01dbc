package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Bad requests get a 4xx problem-details answer, {@code application/problem+json}. */
class ProblemAnswerTests extends LockedDemoTest {

    private static final String DEMO = "urn:serialized-by:demo:problem:";

    @Test
    void unknownAccountIs404() {
        assertProblem(http.get("/accounts/999999"), 404, DEMO + "not-found");
        assertProblem(withdrawal(999_999, "{\"amount\":5}"), 404, DEMO + "not-found");
        JsonNode problem = assertProblem(transfer("{\"from\":1,\"to\":999999,\"amount\":5}"), 404, DEMO + "not-found");
        assertThat(problem.get("resource").asString()).isEqualTo("account");
        assertThat(problem.get("id").asLong()).isEqualTo(999_999);
    }

    @Test
    void unknownPaymentIs404() {
        assertProblem(http.get("/payments/999999"), 404, DEMO + "not-found");
        assertProblem(http.put("/payments/999999"), 404, DEMO + "not-found");
    }

    @Test
    void unknownEventIs404() {
        assertProblem(http.get("/events/999999/tickets"), 404, DEMO + "not-found");
        assertProblem(http.post("/events/999999/tickets", "{\"userId\":\"ann\"}"), 404, DEMO + "not-found");
    }

    @Test
    void unknownOwnerIs404AndAnOwnerIdThatIsNoNumberIs400() {
        JsonNode problem =
                assertProblem(http.post("/owners/999999/pets", "{\"name\":\"Rex\"}"), 404, DEMO + "not-found");
        assertThat(problem.get("resource").asString()).isEqualTo("owner");
        assertProblem(http.get("/owners/999999"), 404, DEMO + "not-found");
        assertProblem(http.post("/owners/abc/pets", "{\"name\":\"Rex\"}"), 400, "about:blank");
    }

    @Test
    void duplicateOrBlankPetNameIsAFormError() {
        long owner = newOwner(jdbc);
        assertThat(http.send(http.post("/owners/" + owner + "/pets", "{\"name\":\"Rex\"}"))
                        .status())
                .isEqualTo(201);

        JsonNode duplicate =
                assertProblem(http.post("/owners/" + owner + "/pets", "{\"name\":\"rex\"}"), 422, DEMO + "form-error");
        JsonNode blank = assertProblem(
                http.post("/owners/" + owner + "/pets", "{\"name\":\" \"}"), 400, DEMO + "invalid-request");

        assertThat(duplicate.get("field").asString()).isEqualTo("name");
        assertThat(blank.get("field").asString()).isEqualTo("name");
    }

    @Test
    void zeroNegativeOrMissingAmountIs400() {
        long account = openAccount(100);
        for (String body : new String[] {"{\"amount\":0}", "{\"amount\":-5}", "{}"}) {
            JsonNode problem = assertProblem(withdrawal(account, body), 400, DEMO + "invalid-request");
            assertThat(problem.get("field").asString()).isEqualTo("amount");
            assertProblem(http.post("/payments", body), 400, DEMO + "invalid-request");
        }
        assertProblem(transfer("{\"from\":1,\"to\":2,\"amount\":-1}"), 400, DEMO + "invalid-request");
        assertThat(balance(account)).isEqualTo(100);
    }

    @Test
    void insufficientFundsIs422WithTheBalance() {
        long account = openAccount(30);

        JsonNode problem = assertProblem(withdrawal(account, "{\"amount\":50}"), 422, DEMO + "insufficient-funds");

        assertThat(problem.get("balance").asLong()).isEqualTo(30);
        assertThat(problem.get("amount").asLong()).isEqualTo(50);
        long other = openAccount(0);
        assertProblem(
                transfer("{\"from\":" + account + ",\"to\":" + other + ",\"amount\":31}"),
                422,
                DEMO + "insufficient-funds");
        assertThat(balance(account)).isEqualTo(30);
        assertThat(balance(other)).isZero();
    }

    @Test
    void transferToTheSameAccountIs400() {
        JsonNode problem = assertProblem(transfer("{\"from\":1,\"to\":1,\"amount\":5}"), 400, DEMO + "invalid-request");
        assertThat(problem.get("field").asString()).isEqualTo("to");
    }

    @Test
    void blankUserIs400() {
        assertProblem(http.post("/events/1/tickets", "{\"userId\":\" \"}"), 400, DEMO + "invalid-request");
    }

    @Test
    void malformedOrMissingBodyIs400() {
        long account = openAccount(100);
        assertProblem(withdrawal(account, "{\"amount\":"), 400, "about:blank");
        assertProblem(withdrawal(account, "{\"amount\":\"fifty\"}"), 400, "about:blank");
        assertProblem(withdrawal(account, ""), 400, "about:blank");
        assertThat(balance(account)).isEqualTo(100);
    }

    @Test
    void pathVariableThatIsNoNumberIs400() {
        assertProblem(http.get("/accounts/abc"), 400, "about:blank");
    }

    @Test
    void unknownPathIs404() {
        assertProblem(http.get("/nothing-here"), 404, "about:blank");
    }

    private HttpRequest withdrawal(long account, String body) {
        return http.post("/accounts/" + account + "/withdrawals", body);
    }

    private HttpRequest transfer(String body) {
        return http.post("/transfers", body);
    }

    private JsonNode assertProblem(HttpRequest request, int status, String type) {
        Answer answer = http.send(request);
        assertThat(answer.status()).as("%s answered %s", request, answer).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        JsonNode problemType = problem.get("type");
        assertThat(problemType == null ? "about:blank" : problemType.asString()).isEqualTo(type);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }
}
