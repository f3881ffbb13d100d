package dev.athena.schemas.validation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * The members of a request's JSON object, by name; the same name twice keeps the last. The members of the
 * request contract have a place each, found from their bytes without making a String ({@link #indexOf(byte[],
 * int, int)}); any other member goes into a map made only when one turns up.
 *
 * <p>Design notes: a hash map per request, with a String per member name (made, then hashed), was a tenth of
 * the collector's allocations (allocation samples), for fifteen fixed names. Not thread-safe: one instance per
 * decode.
 */
final class Members {
    static final String[] KNOWN = {"schemaVersion", "requestId", "clientId", "analysisType", "language", "path",
        "code", "provider", "model", "lane", "options", "deadline", "stream", "createdAt", "replyTo"};
    private static final Map<String, Integer> INDEX = IntStream.range(0, KNOWN.length).boxed()
            .collect(Collectors.toUnmodifiableMap(i -> KNOWN[i], i -> i));
    // The places of KNOWN's names: the decoder reads each member by its place, where a lookup by name hashed and
    // compared the name again for every field of every request (4 % of the collector's stream thread).
    static final int SCHEMA_VERSION = place("schemaVersion");
    static final int REQUEST_ID = place("requestId");
    static final int CLIENT_ID = place("clientId");
    static final int ANALYSIS_TYPE = place("analysisType");
    static final int LANGUAGE = place("language");
    static final int PATH = place("path");
    static final int CODE = place("code");
    static final int PROVIDER = place("provider");
    static final int MODEL = place("model");
    static final int LANE = place("lane");
    static final int OPTIONS = place("options");
    static final int DEADLINE = place("deadline");
    static final int STREAM = place("stream");
    static final int CREATED_AT = place("createdAt");
    static final int REPLY_TO = place("replyTo");
    private static final byte[][] KNOWN_BYTES = Arrays.stream(KNOWN)
            .map(name -> name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    /** Length and first byte of each known name pick it out alone: the slot of that pair, or -1. */
    private static final byte[] BY_LENGTH_AND_FIRST = new byte[32 * 128];

    static {
        Arrays.fill(BY_LENGTH_AND_FIRST, (byte) -1);
        for (int i = 0; i < KNOWN.length; i++) {
            int slot = slot(KNOWN[i].length(), KNOWN[i].charAt(0));
            if (BY_LENGTH_AND_FIRST[slot] >= 0) {
                throw new IllegalStateException("two known names share a length and first letter: " + KNOWN[i]);
            }
            BY_LENGTH_AND_FIRST[slot] = (byte) i;
        }
    }

    private final JsonNode[] known = new JsonNode[KNOWN.length];
    private Map<String, JsonNode> others;
    private Decoded.CodeUtf8 codeUtf8;

    private static int place(String name) {
        int place = indexOf(name);
        if (place < 0) {
            throw new IllegalStateException(name + " is not a member of the request contract");
        }
        return place;
    }

    static Members of(Map<String, JsonNode> members) {
        Members all = new Members();
        members.forEach(all::put);
        return all;
    }

    private static int slot(int length, int first) {
        return length << 7 | first;
    }

    /** The place of the known name spelled by {@code length} bytes at {@code start}, or -1. */
    static int indexOf(byte[] bytes, int start, int length) {
        if (length >= 32 || length == 0 || bytes[start] < 0) {
            return -1;
        }
        int index = BY_LENGTH_AND_FIRST[slot(length, bytes[start])];
        return index >= 0 && Arrays.equals(bytes, start, start + length, KNOWN_BYTES[index], 0, length) ? index : -1;
    }

    /** The place of a known name, or -1. */
    static int indexOf(String name) {
        Integer index = INDEX.get(name);
        return index == null ? -1 : index;
    }

    void put(String name, JsonNode value) {
        int index = indexOf(name);
        if (index >= 0) {
            known[index] = value;
        } else {
            putOther(name, value);
        }
    }

    void putKnown(int index, JsonNode value) {
        known[index] = value;
    }

    void putOther(String name, JsonNode value) {
        if (others == null) {
            others = new HashMap<>();
        }
        others.put(name, value);
    }

    /** The UTF-8 bytes of the {@code code} member's string as the reader found them, when it kept them. */
    void codeUtf8(Decoded.CodeUtf8 bytes) {
        codeUtf8 = bytes;
    }

    /** Null when the reader did not keep them (the general reader never does), or {@code code} is no string. */
    Decoded.CodeUtf8 codeUtf8() {
        return codeUtf8;
    }

    /** The value of the known member at {@code index} (one of the constants above), or null when absent. */
    JsonNode known(int index) {
        return known[index];
    }

    /** Every member, as a map (tests compare readers by it). */
    Map<String, JsonNode> toMap() {
        Map<String, JsonNode> all = others == null ? new HashMap<>() : new HashMap<>(others);
        for (int i = 0; i < KNOWN.length; i++) {
            if (known[i] != null) {
                all.put(KNOWN[i], known[i]);
            }
        }
        return all;
    }
}
