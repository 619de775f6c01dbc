package io.github.serializedby.spring.idempotency;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A request whose body is read into memory only when asked, up to a limit, so it can be fingerprinted
 * and then read again by the handler. Until then, and for every handler that never asks, the body
 * streams from the client untouched.
 */
final class BufferedBodyRequest extends HttpServletRequestWrapper {

    private byte @Nullable [] body;

    BufferedBodyRequest(HttpServletRequest request) {
        super(request);
    }

    /**
     * The body, read now unless it already was; empty when it is larger than {@code maxBytes}, in which
     * case at most {@code maxBytes + 1} bytes were read and the request must not be handled further.
     */
    byte @Nullable [] buffer(long maxBytes) throws IOException {
        if (body != null) {
            return body;
        }
        if (getContentLengthLong() > maxBytes) {
            return null;
        }
        int limit = (int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8);
        byte[] read = getRequest().getInputStream().readNBytes(limit);
        if (read.length > maxBytes) {
            return null;
        }
        body = read;
        return read;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        byte[] buffered = body;
        return buffered == null ? super.getInputStream() : new BufferedInputStream(buffered);
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (body == null) {
            return super.getReader();
        }
        String encoding = getCharacterEncoding();
        Charset charset = encoding != null ? Charset.forName(encoding) : StandardCharsets.UTF_8;
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    /** The buffered body, read again. */
    private static final class BufferedInputStream extends ServletInputStream {

        private final ByteArrayInputStream bytes;

        BufferedInputStream(byte[] body) {
            this.bytes = new ByteArrayInputStream(body);
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return bytes.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
            return bytes.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("The body was read up front");
        }
    }
}
