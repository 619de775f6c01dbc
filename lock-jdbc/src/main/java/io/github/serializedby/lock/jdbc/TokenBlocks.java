package io.github.serializedby.lock.jdbc;

/**
 * How many fencing tokens the database counts out with one shared hold, for the readers of this JVM that
 * join it (the advisory provider counts out a block with every hold: it is the increment of its {@code
 * TokenSequence}). Every token stays larger than those of all earlier holders of the key, and every
 * writer's is larger than those of all readers before it; readers holding at the same time in different
 * processes get tokens from different blocks, unique but not in arrival order. Internal to lock-jdbc,
 * public only for its provider packages; not API.
 */
public final class TokenBlocks {

    public static final long SHARED = 1024;

    private TokenBlocks() {}
}
