package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Maps a lock's (name, key) to a 64-bit id: the first eight bytes, big-endian, of the SHA-256 of {@code
 * name + '\0' + key}. Two locks share an id only by a 64-bit collision (about one chance in 10^19 for a
 * given pair), unlike the 32-bit hashes that advisory-lock schemes often use. Internal to lock-jdbc,
 * public only for its provider packages; not API.
 */
public final class LockIds {

    private LockIds() {}

    public static long of(LockRequest request) {
        return of(request.name(), request.key());
    }

    public static long of(String name, String key) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        sha256.update(name.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        byte[] digest = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
        long id = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            id = (id << 8) | (digest[i] & 0xFF);
        }
        return id;
    }
}
