package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;

/** A lease with a given token, as a provider would hand out; the fence only reads it. */
record FencedLease(LockRequest request, long fencingToken) implements Lease {

    static FencedLease of(String name, Object key, long token) {
        return new FencedLease(LockRequest.exclusive(name, String.valueOf(key)), token);
    }

    @Override
    public boolean isValid() {
        return true;
    }

    @Override
    public void release() {}
}
