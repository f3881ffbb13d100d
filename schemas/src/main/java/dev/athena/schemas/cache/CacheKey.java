package dev.athena.schemas.cache;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity of a question: {@code analysis:{provider}:{model}:{analysisType}:{sha256(code)[0:16]}:
 * {md5(sorted options)[0:8]}}. Options are hashed as a JSON object sorted by key (the empty string when there
 * are none), so their order on the wire never changes the key and no value can pose as another option.
 */
public record CacheKey(String provider, String model, AnalysisType analysisType, String codeHash,
        String optionsHash) {
    public static final String PREFIX = "analysis:";
    /** One per thread: every request is hashed, and looking the algorithm up each time cost as much as hashing. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> newDigest("SHA-256"));
    /** Nearly every request has no options; their hash (of the empty string) is the same every time. */
    private static final String NO_OPTIONS_HASH = hex(newDigest("MD5").digest(new byte[0]), 4);

    public CacheKey {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(analysisType, "analysisType");
    }

    public static CacheKey of(String provider, String model, AnalysisType type, String code,
            Map<String, String> options) {
        byte[] utf8 = code.getBytes(StandardCharsets.UTF_8);
        return ofUtf8(provider, model, type, utf8, 0, utf8.length, options);
    }

    private static CacheKey ofUtf8(String provider, String model, AnalysisType type, byte[] code, int offset,
            int length, Map<String, String> options) {
        MessageDigest sha256 = SHA_256.get();
        sha256.update(code, offset, length);
        String codeHash = hex(sha256.digest(), 8);
        String optionsHash = options.isEmpty() ? NO_OPTIONS_HASH : optionsHash(options);
        return new CacheKey(provider, model, type, codeHash, optionsHash);
    }

    /**
     * The key of a question without options whose code's UTF-8 bytes are known only by their SHA-256 (hex): a
     * repository scan keeps the digest of every file, not its text.
     */
    public static CacheKey ofCodeSha256(String provider, String model, AnalysisType type, String codeSha256Hex) {
        if (codeSha256Hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 in hex has 64 characters but got " + codeSha256Hex.length());
        }
        return new CacheKey(provider, model, type, codeSha256Hex.substring(0, 16).toLowerCase(java.util.Locale.ROOT),
                NO_OPTIONS_HASH);
    }

    /** The key of a request as it was asked (provider and model may be {@code auto}). */
    public static CacheKey ofRequested(AnalysisRequest request) {
        return of(request.providerOrAuto(), request.modelOrAuto(), request.analysisType(), request.code(),
                request.options());
    }

    /**
     * As {@link #ofRequested(AnalysisRequest)}, given what {@code request.code().getBytes(UTF_8)} would give: {@code
     * length} bytes of {@code codeUtf8} from {@code offset}.
     */
    public static CacheKey ofRequested(AnalysisRequest request, byte[] codeUtf8, int offset, int length) {
        return ofUtf8(request.providerOrAuto(), request.modelOrAuto(), request.analysisType(), codeUtf8, offset,
                length, request.options());
    }

    /** The same question as answered by another provider and model. */
    public CacheKey servedBy(String servingProvider, String servingModel) {
        return new CacheKey(servingProvider, servingModel, analysisType, codeHash, optionsHash);
    }

    public String value() {
        return PREFIX + provider + ":" + model + ":" + analysisType.wireName() + ":" + codeHash + ":" + optionsHash;
    }

    @Override
    public String toString() {
        return value();
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships " + algorithm, e);
        }
    }

    private static String optionsHash(Map<String, String> options) {
        String sorted = Json.writeString(new TreeMap<>(options));
        return hex(newDigest("MD5").digest(sorted.getBytes(StandardCharsets.UTF_8)), 4);
    }

    /** The first {@code bytes} bytes as lowercase hex. */
    private static String hex(byte[] digest, int bytes) {
        return HexFormat.of().formatHex(digest, 0, bytes);
    }
}
