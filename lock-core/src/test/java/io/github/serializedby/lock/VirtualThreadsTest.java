package io.github.serializedby.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of virtual threads wait for one key; none may pin its carrier thread while waiting. Runs on
 * Java 21 or newer (CI runs the suite on Java 25 as well as 17).
 */
@Timeout(120)
class VirtualThreadsTest {

    private static final int WAITERS = 5_000;

    @Test
    void thousandsOfVirtualThreadsWaitForOneKeyWithoutPinningAndLoseNoUpdate(@TempDir Path dir) throws Exception {
        assumeTrue(
                Runtime.version().feature() >= 21,
                "virtual threads need Java 21 or newer; this is Java "
                        + Runtime.version().feature());
        LockExecutor executor = new LockExecutor(new InMemoryLockProvider());
        int[] counter = new int[1];
        contend(executor, counter, 200);
        Path recordingFile = dir.resolve("pinning.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            recording.start();
            contend(executor, counter, WAITERS);
            recording.stop();
            recording.dump(recordingFile);
        }
        List<RecordedEvent> pinned = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recordingFile)) {
            if (event.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                pinned.add(event);
            }
        }

        assertThat(counter[0]).isEqualTo(200 + WAITERS);
        assertThat(pinned).as("virtual threads pinned while waiting").isEmpty();
        assertThat(Files.size(recordingFile)).isPositive();
    }

    /**
     * Starts {@code callers} virtual threads at once on one key; each increments an unsynchronised
     * counter under the lock. The first, smaller round loads the classes involved, since class loading
     * itself may pin a virtual thread.
     */
    private static void contend(LockExecutor executor, int[] counter, int callers) throws Exception {
        ExecutorService virtualThreads = newVirtualThreadPerTaskExecutor();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(virtualThreads.submit(() -> {
                    start.await();
                    executor.run(LockSpec.waiting("hot", Duration.ofSeconds(60), "key"), () -> {
                        int before = counter[0];
                        Thread.yield();
                        counter[0] = before + 1;
                    });
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            virtualThreads.shutdownNow();
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, called reflectively: the code targets Java 17. */
    private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
        return (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }
}
