package io.github.serializedby.spring.idempotency;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A response that passes through untouched until {@link #capture(long)} is called; from then on it
 * holds the body back, up to a limit, so it can be stored before it is sent. A body that grows past
 * the limit is sent as it comes, marked {@value IdempotencyInterceptor#NOT_STORED_HEADER}: false, and
 * not stored.
 */
final class CapturingResponse extends HttpServletResponseWrapper {

    private static final Log logger = LogFactory.getLog(CapturingResponse.class);

    private @Nullable ByteArrayOutputStream captured;
    private long limit;
    private boolean overflowed;
    private boolean errorSent;
    private @Nullable ServletOutputStream outputStream;
    private @Nullable PrintWriter writer;

    CapturingResponse(HttpServletResponse response) {
        super(response);
    }

    /** Holds back what is written from now on, up to {@code maxBytes}. */
    void capture(long maxBytes) {
        this.limit = maxBytes;
        this.captured = new ByteArrayOutputStream();
    }

    /**
     * The body written since {@link #capture}, or null when it cannot be stored: nothing was captured, it
     * grew past the limit, or an error was sent instead.
     */
    byte @Nullable [] capturedBody() {
        flushWriter();
        ByteArrayOutputStream body = captured;
        return body == null || overflowed || errorSent ? null : body.toByteArray();
    }

    /** Marks the response as not stored, while its headers can still change. */
    void markNotStored() {
        if (!isCommitted()) {
            setHeader(IdempotencyInterceptor.NOT_STORED_HEADER, "false");
        }
    }

    /** Sends what was held back; called once the request is done. */
    void finish() throws IOException {
        flushWriter();
        ByteArrayOutputStream body = captured;
        captured = null;
        if (body != null && !overflowed && !errorSent && body.size() > 0) {
            getResponse().getOutputStream().write(body.toByteArray());
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (outputStream == null) {
            outputStream = new CapturingOutputStream();
        }
        return outputStream;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            writer =
                    new PrintWriter(new OutputStreamWriter(getOutputStream(), Charset.forName(getCharacterEncoding())));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        flushWriter();
        if (!holdingBack()) {
            super.flushBuffer();
        }
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        dropHeldBack();
    }

    @Override
    public void reset() {
        super.reset();
        dropHeldBack();
    }

    private void dropHeldBack() {
        ByteArrayOutputStream body = captured;
        if (body != null && holdingBack()) {
            body.reset();
        }
    }

    @Override
    public void sendError(int status) throws IOException {
        errorSent = true;
        super.sendError(status);
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        errorSent = true;
        super.sendError(status, message);
    }

    private boolean holdingBack() {
        return captured != null && !overflowed && !errorSent;
    }

    private void flushWriter() {
        if (writer != null) {
            writer.flush();
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        ByteArrayOutputStream body = captured;
        if (body != null && holdingBack()) {
            if (body.size() + (long) length <= limit) {
                body.write(bytes, offset, length);
                return;
            }
            overflowed = true;
            markNotStored();
            if (logger.isDebugEnabled()) {
                logger.debug("Response to an idempotency key is larger than " + limit + " bytes: sent, not stored");
            }
            getResponse().getOutputStream().write(body.toByteArray());
            captured = null;
        }
        getResponse().getOutputStream().write(bytes, offset, length);
    }

    /** Writes through {@link #write}, so the capture decides where the bytes go. */
    private final class CapturingOutputStream extends ServletOutputStream {

        @Override
        public void write(int b) throws IOException {
            CapturingResponse.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            CapturingResponse.this.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (!holdingBack()) {
                getResponse().getOutputStream().flush();
            }
        }

        @Override
        public boolean isReady() {
            try {
                return holdingBack() || getResponse().getOutputStream().isReady();
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            if (holdingBack()) {
                throw new IllegalStateException("The response to an idempotency key is written blocking");
            }
            try {
                getResponse().getOutputStream().setWriteListener(listener);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
