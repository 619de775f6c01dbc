package io.github.serializedby.spring.actuate;

import java.nio.charset.StandardCharsets;

/**
 * The answer to a force-release while the {@code locks} endpoint is read-only, the same from the servlet
 * and the reactive filter: 405, an empty {@code Allow} (RFC 9110: the resource is disabled by
 * configuration) and a problem detail naming the property that enables it.
 */
final class ForceReleaseRefusal {

    static final String TYPE = "urn:serialized-by:problem:force-release-disabled";

    static final String CONTENT_TYPE = "application/problem+json";

    static final byte[] BODY = ("{\"type\":\"" + TYPE + "\",\"title\":\"Force-release is disabled\","
                    + "\"status\":405,\"detail\":\"The locks endpoint is read-only, so it does not release locks."
                    + " Set management.endpoint.locks.access=unrestricted to allow"
                    + " DELETE on /{name}/{key} of the locks endpoint.\"}")
            .getBytes(StandardCharsets.UTF_8);

    private ForceReleaseRefusal() {}

    /** Whether a request is a force-release: a {@code DELETE} below {@code lockPathPrefix}. */
    static boolean isForceRelease(String method, String path, String lockPathPrefix) {
        return "DELETE".equals(method) && path.startsWith(lockPathPrefix);
    }
}
