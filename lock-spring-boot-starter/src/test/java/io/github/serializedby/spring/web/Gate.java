package io.github.serializedby.spring.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Lets a test hold a request inside a locked method until it says so. */
class Gate {

    private final ConcurrentHashMap<String, CountDownLatch> arrived = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CountDownLatch> opened = new ConcurrentHashMap<>();

    /** From now on, the next call for {@code key} stops at the gate. */
    void close(String key) {
        arrived.put(key, new CountDownLatch(1));
        opened.put(key, new CountDownLatch(1));
    }

    void awaitArrival(String key) throws InterruptedException {
        if (!arrived.get(key).await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no call arrived at the gate for " + key);
        }
    }

    void open(String key) {
        opened.get(key).countDown();
    }

    /** Called by the locked method: stops here while the gate for {@code key} is closed. */
    void pass(String key) throws InterruptedException {
        CountDownLatch arrival = arrived.get(key);
        CountDownLatch open = opened.get(key);
        if (arrival == null || open == null) {
            return;
        }
        arrival.countDown();
        if (!open.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate for " + key + " never opened");
        }
    }
}
