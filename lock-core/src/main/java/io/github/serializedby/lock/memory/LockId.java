package io.github.serializedby.lock.memory;

/** The identity of an in-memory lock: its name and key, whatever the mode. */
record LockId(String name, String key) {}
