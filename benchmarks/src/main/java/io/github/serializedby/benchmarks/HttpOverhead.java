package io.github.serializedby.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The overhead users see over HTTP: the demo's {@code PUT /payments/{id}} (locked per payment) under load
 * on distinct keys, against a second demo started with {@code serialized-by.enabled=false}. Both demos
 * run on this machine; rounds alternate between them so drift hits both alike.
 *
 * <p>Arguments: {@code lockedBaseUrl unlockedBaseUrl [threads seconds rounds]}, only loopback addresses.
 */
public final class HttpOverhead {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final int PAYMENTS = 512;

    private HttpOverhead() {}

    public static void main(String[] args) throws Exception {
        URI locked = loopback(args[0]);
        URI unlocked = loopback(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<Long> lockedPayments = paidPayments(http, locked);
        List<Long> unlockedPayments = paidPayments(http, unlocked);

        for (int warmUp = 0; warmUp < 3; warmUp++) {
            load(http, locked, lockedPayments, threads, seconds);
            load(http, unlocked, unlockedPayments, threads, seconds);
        }
        double lockedTotal = 0;
        double unlockedTotal = 0;
        long conflicts = 0;
        for (int round = 0; round < rounds; round++) {
            Result withLock = load(http, locked, lockedPayments, threads, seconds);
            Result withoutLock = load(http, unlocked, unlockedPayments, threads, seconds);
            lockedTotal += withLock.perSecond();
            unlockedTotal += withoutLock.perSecond();
            conflicts += withLock.conflicts();
            System.out.printf(
                    Locale.ROOT,
                    "round %d: with @SerializedBy %.0f req/s, without %.0f req/s%n",
                    round + 1,
                    withLock.perSecond(),
                    withoutLock.perSecond());
        }
        System.out.printf(
                Locale.ROOT,
                "| HTTP `PUT /payments/{id}` on %d distinct keys, %d client threads: with vs without `@SerializedBy`"
                        + " (req/s) | %.0f | %.0f | %.2f× | ≥ 0.95× |%n",
                PAYMENTS,
                threads,
                lockedTotal / rounds,
                unlockedTotal / rounds,
                lockedTotal / unlockedTotal);
        System.out.println("409 answers with the lock (two clients on one key at once): " + conflicts);
    }

    private record Result(double perSecond, long conflicts) {}

    private static Result load(HttpClient http, URI base, List<Long> payments, int threads, int seconds)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int offset = t * (payments.size() / threads);
            Thread worker = new Thread(() -> {
                try {
                    for (int i = offset; System.nanoTime() < end; i++) {
                        long id = payments.get(i % payments.size());
                        try {
                            HttpResponse<Void> response = http.send(
                                    HttpRequest.newBuilder(base.resolve("/payments/" + id))
                                            .PUT(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() == 409) {
                                conflicts.incrementAndGet();
                            }
                            done.incrementAndGet();
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
            worker.start();
        }
        finished.await();
        if (failures.get() > 0) {
            System.out.println(failures.get() + " requests to " + base + " failed and are not counted");
        }
        return new Result(done.get() / (double) seconds, conflicts.get());
    }

    /** Creates and pays the payments the load will PUT again (each PUT then finds it paid). */
    private static List<Long> paidPayments(HttpClient http, URI base) throws IOException, InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(base.resolve("/payments"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":10}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher id = ID.matcher(created.body());
            if (!id.find()) {
                throw new IllegalStateException("No payment id in " + created.body());
            }
            long payment = Long.parseLong(id.group(1));
            http.send(
                    HttpRequest.newBuilder(base.resolve("/payments/" + payment))
                            .PUT(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            ids.add(payment);
        }
        return ids;
    }

    private static URI loopback(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (!"localhost".equals(host) && (host == null || !host.startsWith("127."))) {
            throw new IllegalArgumentException("Load goes to loopback addresses only, not " + url);
        }
        return uri;
    }
}
