package dev.athena.ingest.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of a key under a server secret: what is stored instead of the key. A stolen table is useless
 * without the secret, and equal keys hash equally so a lookup by hash needs no scan.
 */
public final class KeyHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec secret;

    public KeyHasher(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("the key hashing secret must be at least 32 bytes but was "
                    + (secret == null ? "null" : secret.length + " bytes"));
        }
        this.secret = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public byte[] hash(String key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK ships " + ALGORITHM, e);
        }
    }

    /** Constant-time: the time taken does not depend on where the first difference is. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
