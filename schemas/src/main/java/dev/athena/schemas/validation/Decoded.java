package dev.athena.schemas.validation;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;

/** What the request decoder made of a record: a valid request, or the reason it was rejected. */
public sealed interface Decoded {
    /**
     * A valid request; {@code code} holds the UTF-8 bytes of its code when the decoder read them (null when it
     * did not keep them).
     */
    record Accepted(AnalysisRequest request, CodeUtf8 code) implements Decoded {
        public Accepted(AnalysisRequest request) {
            this(request, null);
        }

        /**
         * {@code CacheKey.ofRequested(request())}: from the code's bytes as decoded, when kept, so they are not
         * encoded from the code's String a second time (on source files of a few KB that encoding was a fifth of
         * the key's cost).
         */
        public CacheKey cacheKey() {
            return code == null ? CacheKey.ofRequested(request)
                    : CacheKey.ofRequested(request, code.bytes(), code.offset(), code.length());
        }
    }

    record Rejected(Rejection rejection) implements Decoded {
    }

    /**
     * The UTF-8 encoding of a request's code, {@code length} bytes from {@code offset}: a view into the record
     * or the decoder's buffer, not a copy, so it is read only.
     */
    record CodeUtf8(byte[] bytes, int offset, int length) {
    }
}
