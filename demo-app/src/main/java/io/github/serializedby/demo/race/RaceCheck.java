package io.github.serializedby.demo.race;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fires concurrent requests at a running demo, one burst per case, and prints one line per case with
 * its invariant: the final balance against the accepted withdrawals, tickets per user, times each
 * payment was conducted, the total across transfers, an owner's pets of one name, the seats sold of a
 * hot concert (with how fast other concerts were answered meanwhile). Exits 1 when an invariant is
 * broken, 2 when the demo cannot be reached.
 *
 * <p>Needs only the JDK, so it runs without a build: {@code java
 * demo-app/src/main/java/io/github/serializedby/demo/race/RaceCheck.java http://localhost:8080}. It
 * sends a bounded number of requests, only to a loopback address, and creates fresh accounts, users,
 * payments and pet names on every run. It stays one file of over 300 lines for that reason: Java 17's source
 * launcher runs a single file, and the cases with their HTTP helpers fit no other file.
 */
public final class RaceCheck {

    private static final int WITHDRAWALS = 50;
    private static final long START_BALANCE = 100;
    private static final long WITHDRAWAL = 50;
    private static final int USERS = 5;
    private static final int CLICKS = 10;
    private static final long EVENT = 1;
    private static final int PAYMENTS = 5;
    private static final int PUTS = 10;
    private static final int ACCOUNTS = 3;
    private static final int TRANSFERS = 30;
    private static final long TRANSFER = 5;
    private static final long OWNER = 1;
    private static final int PET_FORMS = 20;
    private static final int HOT_BUYERS = 200;
    private static final long HOT_SEATS = 100;
    private static final int QUIET_CONCERTS = 10;
    private static final int QUIET_BUYS = 10;
    private static final Duration BURST_HEAD_START = Duration.ofMillis(200);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final List<URI> bases;
    private final AtomicInteger nextBase = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String run = Long.toString(System.currentTimeMillis(), 36);

    private RaceCheck(List<URI> bases) {
        this.bases = bases;
    }

    /**
     * Arguments: the base URL of each instance of the demo, {@code http://localhost:8080} by default. With
     * several (instances sharing a database and a lock provider), requests go to them in turn.
     */
    public static void main(String[] args) throws Exception {
        List<URI> bases = new ArrayList<>();
        for (String arg : args.length > 0 ? args : new String[] {"http://localhost:8080"}) {
            URI base = URI.create(arg);
            if (!isLoopback(base)) {
                System.err.println(
                        "RaceCheck only talks to a demo on this machine (localhost, 127.0.0.1); got " + base);
                System.exit(2);
            }
            bases.add(base);
        }
        RaceCheck check = new RaceCheck(List.copyOf(bases));
        URI base = bases.get(0);
        boolean held = true;
        try {
            held &= check.withdraw();
            held &= check.tickets();
            held &= check.payments();
            held &= check.transfers();
            held &= check.pets();
            held &= check.hotTicket();
        } catch (IOException e) {
            System.err.println("Cannot reach the demo at " + base + " (" + e + "); is it running?");
            System.exit(2);
        }
        System.out.println(held ? "all invariants held" : "INVARIANT BROKEN");
        System.exit(held ? 0 : 1);
    }

    /** Whether the URI names this machine, by name or loopback address, without asking a name server. */
    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null || !"http".equals(uri.getScheme())) {
            return false;
        }
        return host.equals("localhost")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                || host.equals("[::1]")
                || host.equals("::1");
    }

    /** 50 withdrawals of 50 from an account of 100: at most two may succeed. */
    private boolean withdraw() throws Exception {
        long account =
                id(send(post("/accounts", "{\"owner\":\"race-" + run + "\",\"balance\":" + START_BALANCE + "}")));
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < WITHDRAWALS; i++) {
            requests.add(post("/accounts/" + account + "/withdrawals", "{\"amount\":" + WITHDRAWAL + "}"));
        }
        Tally tally = new Tally(together(requests));
        long balance = number(send(get("/accounts/" + account)).body(), "balance");
        long accepted = tally.count(200);
        long expected = START_BALANCE - accepted * WITHDRAWAL;
        boolean held = balance == expected && balance >= 0 && tally.unexpected(200, 409, 422) == 0;
        return report(
                "withdraw",
                held,
                String.format(
                        "balance %d, expected %d - %d accepted x %d = %d (%d requests: %s)",
                        balance,
                        START_BALANCE,
                        accepted,
                        WITHDRAWAL,
                        expected,
                        WITHDRAWALS,
                        tally.describe("200 accepted", "422 insufficient funds", "409 turned away")));
    }

    /** 5 users clicking 10 times each for a free ticket: one ticket per user. */
    private boolean tickets() throws Exception {
        List<HttpRequest> requests = new ArrayList<>();
        for (int click = 0; click < CLICKS; click++) {
            for (int user = 0; user < USERS; user++) {
                requests.add(post("/events/" + EVENT + "/tickets", "{\"userId\":\"" + user(user) + "\"}"));
            }
        }
        Tally tally = new Tally(together(requests));
        List<Long> perUser = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            String tickets = send(get("/events/" + EVENT + "/tickets?userId=" + user(user)))
                    .body();
            perUser.add(count(tickets, "\"id\""));
        }
        boolean held = perUser.stream().allMatch(n -> n == 1) && tally.unexpected(200, 201, 409) == 0;
        return report(
                "tickets",
                held,
                String.format(
                        "tickets per user %s, expected 1 each (%d users x %d clicks: %s)",
                        perUser,
                        USERS,
                        CLICKS,
                        tally.describe("201 created", "200 found existing", "409 turned away")));
    }

    /** 10 PUTs at once on each of 5 new payments: each conducted exactly once. */
    private boolean payments() throws Exception {
        List<Long> payments = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
            payments.add(id(send(post("/payments", "{\"amount\":" + (10 + i) + "}"))));
        }
        List<HttpRequest> requests = new ArrayList<>();
        for (int put = 0; put < PUTS; put++) {
            for (long payment : payments) {
                requests.add(HttpRequest.newBuilder(base().resolve("/payments/" + payment))
                        .timeout(REQUEST_TIMEOUT)
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build());
            }
        }
        Tally tally = new Tally(together(requests));
        List<Long> conducted = new ArrayList<>();
        for (long payment : payments) {
            conducted.add(number(send(get("/payments/" + payment)).body(), "timesConducted"));
        }
        boolean held = conducted.stream().allMatch(n -> n == 1) && tally.unexpected(200, 409) == 0;
        return report(
                "payments",
                held,
                String.format(
                        "times conducted %s, expected 1 each (%d payments x %d PUTs: %s)",
                        conducted, PAYMENTS, PUTS, tally.describe("200 paid", "409 turned away")));
    }

    /** 30 transfers of 5 to 20 around three accounts of 100, both directions at once: the total stays 300. */
    private boolean transfers() throws Exception {
        List<Long> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(id(send(post("/accounts", "{\"owner\":\"race-" + run + "-" + i + "\",\"balance\":100}"))));
        }
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < TRANSFERS; i++) {
            long a = accounts.get(i % ACCOUNTS);
            long b = accounts.get((i + 1) % ACCOUNTS);
            long from = i % 2 == 0 ? a : b;
            long to = i % 2 == 0 ? b : a;
            requests.add(post(
                    "/transfers",
                    "{\"from\":" + from + ",\"to\":" + to + ",\"amount\":" + TRANSFER * (1 + i % 4) + "}"));
        }
        Tally tally = new Tally(together(requests));
        List<Long> balances = new ArrayList<>();
        for (long account : accounts) {
            balances.add(number(send(get("/accounts/" + account)).body(), "balance"));
        }
        long total = balances.stream().mapToLong(Long::longValue).sum();
        long expected = 100L * ACCOUNTS;
        boolean held =
                total == expected && balances.stream().allMatch(b -> b >= 0) && tally.unexpected(200, 409, 422) == 0;
        return report(
                "transfers",
                held,
                String.format(
                        "total %d, expected %d, balances %s (%d transfers: %s)",
                        total,
                        expected,
                        balances,
                        TRANSFERS,
                        tally.describe("200 done", "422 insufficient funds", "409 turned away")));
    }

    /** 20 "add pet" forms at once with one new name for one owner: one pet of that name. */
    private boolean pets() throws Exception {
        String name = "race-" + run;
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < PET_FORMS; i++) {
            requests.add(post("/owners/" + OWNER + "/pets", "{\"name\":\"" + name + "\"}"));
        }
        Tally tally = new Tally(together(requests));
        long pets = count(send(get("/owners/" + OWNER)).body(), "\"" + name + "\"");
        boolean held = pets == 1 && tally.unexpected(201, 409, 422) == 0;
        return report(
                "pets",
                held,
                String.format(
                        "pets named %s: %d, expected 1 (%d forms: %s)",
                        name, pets, PET_FORMS, tally.describe("201 added", "422 name taken", "409 turned away")));
    }

    /**
     * 200 buyers at once for one concert of 100 seats, and meanwhile 10 buyers, one after the other, for
     * each of 10 other concerts: no seat sold twice, and how fast the other concerts were answered (their
     * p99), which a bound on the hot concert's waiters keeps low. The other concerts' buyers have their own
     * client, connected before the burst, so that what they measure is the demo's answer, not the burst's
     * connections.
     */
    private boolean hotTicket() throws Exception {
        long hot = id(send(post("/concerts", "{\"title\":\"hot-" + run + "\",\"seats\":" + HOT_SEATS + "}")));
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET_CONCERTS; i++) {
            quiet.add(id(send(post("/concerts", "{\"title\":\"quiet-" + run + "-" + i + "\",\"seats\":1000}"))));
        }
        ExecutorService buyers = Executors.newFixedThreadPool(QUIET_CONCERTS);
        HttpClient quietClient =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Long> millis = new ArrayList<>();
        Tally tally;
        try {
            CountDownLatch connected = new CountDownLatch(QUIET_CONCERTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> quietBuys = new ArrayList<>();
            for (long concert : quiet) {
                quietBuys.add(buyers.submit(() -> quietBuys(quietClient, concert, connected, go)));
            }
            if (!connected.await(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new TimeoutException("the other concerts' buyers did not connect");
            }
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < HOT_BUYERS; i++) {
                burst.add(client.sendAsync(
                        post("/concerts/" + hot + "/seats", "{\"userId\":\"" + user(i) + "\"}"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(BURST_HEAD_START.toMillis());
            go.countDown();
            for (Future<List<Long>> buys : quietBuys) {
                millis.addAll(buys.get(REQUEST_TIMEOUT.toSeconds() * QUIET_BUYS, TimeUnit.SECONDS));
            }
            List<Answer> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : burst) {
                HttpResponse<String> answered = response.get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                answers.add(new Answer(answered.statusCode(), answered.body()));
            }
            tally = new Tally(answers);
        } finally {
            buyers.shutdownNow();
        }
        long sold = number(send(get("/concerts/" + hot)).body(), "sold");
        boolean held = sold == tally.count(201)
                && sold <= HOT_SEATS
                && millis.size() == QUIET_CONCERTS * QUIET_BUYS
                && tally.unexpected(201, 409, 422, 429, 503) == 0;
        List<Long> sorted = millis.stream().sorted().toList();
        return report(
                "hot-ticket",
                held,
                String.format(
                        "sold %d of %d seats (%d buyers at once: %s); other concerts answered in p50 %d ms,"
                                + " p99 %d ms (%d buys)",
                        sold,
                        HOT_SEATS,
                        HOT_BUYERS,
                        tally.describe(
                                "201 sold",
                                "422 sold out",
                                "429 told to come back",
                                "503 application busy",
                                "409 waited in vain"),
                        percentile(sorted, 50),
                        percentile(sorted, 99),
                        sorted.size()));
    }

    /**
     * Connects to the demo (an unmeasured read of the concert), waits for {@code go}, then buys seats of
     * the concert one after the other, and gives how long each sale took in milliseconds.
     */
    private List<Long> quietBuys(HttpClient quietClient, long concert, CountDownLatch connected, CountDownLatch go)
            throws Exception {
        quietClient.send(get("/concerts/" + concert), HttpResponse.BodyHandlers.ofString());
        connected.countDown();
        if (!go.await(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new TimeoutException("never released");
        }
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < QUIET_BUYS; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = quietClient.send(
                    post("/concerts/" + concert + "/seats", "{\"userId\":\"" + user(i) + "\"}"),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 201) {
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        }
        return millis;
    }

    /** The {@code p}th percentile of sorted values (nearest rank), 0 for none. */
    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private String user(int user) {
        return "race-" + run + "-user" + user;
    }

    private static boolean report(String name, boolean held, String detail) {
        System.out.printf("%-10s %-7s %s%n", name, held ? "OK" : "BROKEN", detail);
        return held;
    }

    /** Sends every request at once: each on its own thread, all released by one latch. */
    private List<Answer> together(List<HttpRequest> requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests.size());
        try {
            CountDownLatch ready = new CountDownLatch(requests.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> futures = new ArrayList<>();
            for (HttpRequest request : requests) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    if (!go.await(10, TimeUnit.SECONDS)) {
                        throw new TimeoutException("never released");
                    }
                    return send(request);
                }));
            }
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new TimeoutException("request threads did not start");
            }
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> future : futures) {
                try {
                    answers.add(future.get(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw e;
                }
            }
            return answers;
        } finally {
            threads.shutdownNow();
        }
    }

    /** The instance the next request goes to: each in turn. */
    private URI base() {
        return bases.get(Math.floorMod(nextBase.getAndIncrement(), bases.size()));
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(base().resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(base().resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
    }

    private static long id(Answer answer) {
        if (answer.status() != 200 && answer.status() != 201) {
            throw new IllegalStateException("Unexpected answer " + answer.status() + ": " + answer.body());
        }
        return number(answer.body(), "id");
    }

    /** The first number-valued {@code field} of a JSON text; enough for the demo's flat answers. */
    private static long number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(-?\\d+)")
                .matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("No number '" + field + "' in " + json);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static long count(String text, String needle) {
        long count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }

    /** One HTTP answer. */
    private record Answer(int status, String body) {}

    /** Counts answers by status. */
    private static final class Tally {

        private final List<Answer> answers;

        Tally(List<Answer> answers) {
            this.answers = answers;
        }

        long count(int status) {
            return answers.stream().filter(a -> a.status() == status).count();
        }

        long unexpected(int... expected) {
            return answers.stream()
                    .filter(a -> Arrays.stream(expected).noneMatch(s -> s == a.status()))
                    .count();
        }

        /** As {@code "2 accepted, 48 insufficient funds, 0 turned away"}, from labels like "200 accepted". */
        String describe(String... labels) {
            List<String> parts = new ArrayList<>();
            List<Integer> known = new ArrayList<>();
            for (String label : labels) {
                int status = Integer.parseInt(label.substring(0, 3));
                known.add(status);
                parts.add(count(status) + " " + label.substring(4));
            }
            long other = unexpected(known.stream().mapToInt(Integer::intValue).toArray());
            if (other > 0) {
                parts.add(other + " unexpected: "
                        + answers.stream()
                                .filter(a -> !known.contains(a.status()))
                                .map(a -> Integer.toString(a.status()))
                                .distinct()
                                .toList());
            }
            return String.join(", ", parts);
        }
    }
}
