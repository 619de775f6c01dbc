package io.github.serializedby.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a {@link StoredResponse} into bytes and back, for stores that keep bytes (Redis, a database). */
public final class StoredResponseCodec {

    private static final int VERSION = 1;

    private StoredResponseCodec() {}

    /** The response as bytes. */
    public static byte[] encode(StoredResponse response) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(response.fingerprint());
            out.writeInt(response.status());
            out.writeLong(response.expiresAt().toEpochMilli());
            out.writeInt(response.headers().size());
            for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
                out.writeUTF(header.getKey());
                out.writeInt(header.getValue().size());
                for (String value : header.getValue()) {
                    out.writeUTF(value);
                }
            }
            byte[] body = response.body();
            out.writeInt(body.length);
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The response {@link #encode} wrote. */
    public static StoredResponse decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("Unknown stored response version " + version);
            }
            String fingerprint = in.readUTF();
            int status = in.readInt();
            Instant expiresAt = Instant.ofEpochMilli(in.readLong());
            int headerCount = in.readInt();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 0; i < headerCount; i++) {
                String name = in.readUTF();
                int valueCount = in.readInt();
                List<String> values = new ArrayList<>(valueCount);
                for (int j = 0; j < valueCount; j++) {
                    values.add(in.readUTF());
                }
                headers.put(name, List.copyOf(values));
            }
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return new StoredResponse(fingerprint, status, headers, body, expiresAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
