package dev.athena.ingest.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The shape of an API key: {@code ath_} + 32 base64url characters (24 random bytes, 192 bits) + 8 hex digits of
 * CRC-32 over the prefix and body. The checksum lets a typo or a pasted fragment be refused before any lookup,
 * and lets secret scanners recognise a key with few false positives.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "ath_";
    static final int RANDOM_BYTES = 24;
    private static final int BODY_CHARS = 32;
    private static final Pattern SHAPE = Pattern.compile("ath_[A-Za-z0-9_-]{32}[0-9a-f]{8}");
    /** Anything that starts like a key, whole or cut, as pasted into a URL. */
    private static final Pattern KEY_LIKE = Pattern.compile("ath_[A-Za-z0-9_-]+");

    private final SecureRandom random;

    public ApiKeyFormat(SecureRandom random) {
        this.random = random;
    }

    public String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        String body = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return body + checksum(body);
    }

    /** True when the text has the exact shape and a matching checksum; never looks anything up. */
    public static boolean isWellFormed(String candidate) {
        if (candidate == null || !SHAPE.matcher(candidate).matches()) {
            return false;
        }
        int split = PREFIX.length() + BODY_CHARS;
        return checksum(candidate.substring(0, split)).equals(candidate.substring(split));
    }

    /** The first characters, enough for a person to tell keys apart in a listing, far too few to guess the rest. */
    public static String hint(String key) {
        return key.substring(0, PREFIX.length() + 6) + "...";
    }

    /**
     * The text with everything shaped like a key, whole or in part, replaced by its {@link #hint}, for audit
     * records and logs of request paths: a caller who pastes a key into a URL must not have it stored.
     */
    public static String redact(String text) {
        if (text == null || !text.contains(PREFIX)) {
            return text;
        }
        return KEY_LIKE.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group().length() > PREFIX.length() + 6 ? hint(m.group()) : PREFIX + "..."));
    }

    private static String checksum(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
