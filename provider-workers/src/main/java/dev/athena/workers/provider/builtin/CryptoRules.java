package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.Severity;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transport and cryptography rules: certificate checks turned off, broken hash functions and broken ciphers
 * or cipher modes. They read the comment-free view, where string literals keep their text (an algorithm is named
 * in one), and leave a hash call alone when its line says it is not for security ({@code usedforsecurity=False}).
 */
final class CryptoRules {
    static final String TLS_VERIFICATION_DISABLED = "tls-verification-disabled";
    static final String WEAK_HASH = "weak-hash";
    static final String WEAK_CIPHER = "weak-cipher";

    private static final String TLS_FIX = "keep certificate and host name checks on; trust a private CA by adding "
            + "its certificate to the trust store instead";
    private static final String HASH_FIX = "use SHA-256 or stronger; for passwords a slow key derivation function "
            + "(Argon2, scrypt, bcrypt, PBKDF2)";
    private static final String CIPHER_FIX = "use AES-GCM or ChaCha20-Poly1305 with a fresh nonce per message";

    private static final Pattern PY_TLS_OFF = Pattern.compile(
            "\\bverify\\s*=\\s*False\\b|\\bssl\\s*\\.\\s*_create_unverified_context\\s*\\(|\\bCERT_NONE\\b"
                    + "|\\bcheck_hostname\\s*=\\s*False\\b");
    private static final Pattern JS_TLS_OFF = Pattern.compile(
            "\\brejectUnauthorized\\s*:\\s*false\\b|\\bNODE_TLS_REJECT_UNAUTHORIZED\\b\\s*(?:\\]\\s*)?=\\s*[\"'`]?0");
    private static final Pattern GO_TLS_OFF = Pattern.compile("\\bInsecureSkipVerify\\s*:\\s*true\\b");
    private static final Pattern JAVA_TLS_OFF = Pattern.compile(
            "\\bNoopHostnameVerifier\\b|\\bALLOW_ALL_HOSTNAME_VERIFIER\\b|\\bTrustAllStrategy\\b"
                    + "|\\bInsecureTrustManagerFactory\\b|setHostnameVerifier\\s*\\(\\s*\\(\\s*\\w+\\s*,\\s*\\w+\\s*\\)"
                    + "\\s*->\\s*true\\s*\\)");

    private static final Pattern PY_WEAK_HASH = Pattern.compile(
            "\\bhashlib\\s*\\.\\s*(md5|sha1)\\s*\\(|\\bhashlib\\s*\\.\\s*new\\s*\\(\\s*[\"'](md5|sha1)[\"']");
    private static final Pattern JAVA_WEAK_HASH = Pattern.compile(
            "\\bMessageDigest\\s*\\.\\s*getInstance\\s*\\(\\s*\"(MD5|MD2|SHA-?1)\""
                    + "|\\bDigestUtils\\s*\\.\\s*(md5|sha1)\\w*\\s*\\(");
    private static final Pattern JS_WEAK_HASH = Pattern.compile(
            "\\bcreateHash\\s*\\(\\s*[\"'`](md5|sha1|md4)[\"'`]");
    private static final Pattern GO_WEAK_HASH = Pattern.compile("\\b(md5|sha1)\\s*\\.\\s*(?:New|Sum)\\s*\\(");
    private static final Pattern NOT_FOR_SECURITY = Pattern.compile("\\busedforsecurity\\s*=\\s*False\\b");

    private static final Pattern JAVA_WEAK_CIPHER = Pattern.compile(
            "\\bCipher\\s*\\.\\s*getInstance\\s*\\(\\s*\"((?:DES|DESede|RC4|RC2|Blowfish|ARCFOUR)(?:/[^\"]*)?"
                    + "|[^\"/]+/ECB/[^\"]*|AES)\"");
    private static final Pattern PY_WEAK_CIPHER = Pattern.compile(
            "\\b(DES3?|ARC4|ARC2|Blowfish)\\s*\\.\\s*new\\s*\\(|\\bMODE_ECB\\b"
                    + "|\\balgorithms\\s*\\.\\s*(TripleDES|ARC4|Blowfish)\\s*\\("
                    + "|\\bmodes\\s*\\.\\s*(ECB)\\s*\\(");
    private static final Pattern JS_WEAK_CIPHER = Pattern.compile(
            "\\bcreateCipher(?:iv)?\\s*\\(\\s*[\"'`]((?:des|rc4|rc2|bf|blowfish)[\\w-]*|[\\w-]+-ecb)[\"'`]"
                    + "|\\bcreateCipher\\s*\\(");
    private static final Pattern GO_WEAK_CIPHER = Pattern.compile(
            "\\b(des|rc4)\\s*\\.\\s*New(?:TripleDES)?Cipher\\s*\\(");

    private CryptoRules() {
    }

    static void check(SourceText src, Language lang, int line, SecurityRules.Findings out) {
        String code = src.code(line);
        tls(lang, line, code, out);
        if (!NOT_FOR_SECURITY.matcher(code).find()) {
            hash(lang, line, code, out);
        }
        cipher(lang, line, code, out);
    }

    private static void tls(Language lang, int line, String code, SecurityRules.Findings out) {
        String what = null;
        // PyJWT's old verify=False turns off signature checks, not TLS: another problem, not this rule's
        if (in(lang, Language.PYTHON) && PY_TLS_OFF.matcher(code).find() && !code.contains("jwt.")) {
            what = "TLS certificate verification turned off";
        } else if (in(lang, Language.JAVASCRIPT) && JS_TLS_OFF.matcher(code).find()) {
            what = "TLS certificate verification turned off (rejectUnauthorized / NODE_TLS_REJECT_UNAUTHORIZED)";
        } else if (in(lang, Language.GO) && GO_TLS_OFF.matcher(code).find()) {
            what = "TLS certificate verification turned off (InsecureSkipVerify)";
        } else if (in(lang, Language.JAVA) && JAVA_TLS_OFF.matcher(code).find()) {
            what = "TLS certificate or host name checks turned off";
        }
        if (what != null) {
            out.add(TLS_VERIFICATION_DISABLED, Severity.HIGH, line, what + ": anyone on the network path can read "
                    + "and change the traffic", TLS_FIX);
        }
    }

    private static void hash(Language lang, int line, String code, SecurityRules.Findings out) {
        String algorithm = first(lang, code, PY_WEAK_HASH, JAVA_WEAK_HASH, JS_WEAK_HASH, GO_WEAK_HASH);
        if (algorithm != null) {
            String name = algorithm.toUpperCase(Locale.ROOT).replace("SHA1", "SHA-1");
            out.add(WEAK_HASH, Severity.MEDIUM, line, name + " is broken for security uses (collisions are "
                    + "practical); fine only for checksums and keys that protect nothing", HASH_FIX);
        }
    }

    private static void cipher(Language lang, int line, String code, SecurityRules.Findings out) {
        String algorithm = first(lang, code, PY_WEAK_CIPHER, JAVA_WEAK_CIPHER, JS_WEAK_CIPHER, GO_WEAK_CIPHER);
        if (algorithm == null) {
            return;
        }
        String upper = algorithm.toUpperCase(Locale.ROOT);
        String message;
        if (upper.contains("ECB") || upper.equals("AES")) {
            message = "ECB mode (also what a bare \"AES\" means in Java) shows which blocks of the data are equal";
        } else if (upper.equals("CREATECIPHER")) {
            message = "crypto.createCipher derives the key with MD5 and no salt, and reuses the IV";
        } else {
            message = upper.split("/")[0] + " is a broken or obsolete cipher";
        }
        out.add(WEAK_CIPHER, Severity.HIGH, line, message, CIPHER_FIX);
    }

    /** The algorithm the language's pattern names on this line (its first non-null group), or null. */
    private static String first(Language lang, String code, Pattern python, Pattern java, Pattern js, Pattern go) {
        Pattern pattern = switch (lang) {
            case PYTHON -> python;
            case JAVA -> java;
            case JAVASCRIPT -> js;
            case GO -> go;
            default -> null;
        };
        if (pattern == null) {
            for (Pattern any : new Pattern[] {python, java, js, go}) {
                String found = group(any.matcher(code));
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return group(pattern.matcher(code));
    }

    private static String group(Matcher m) {
        if (!m.find()) {
            return null;
        }
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null) {
                return m.group(g);
            }
        }
        return m.group().replaceAll("\\s*\\(.*", "").strip();
    }

    private static boolean in(Language lang, Language wanted) {
        return lang == wanted || lang == Language.UNKNOWN;
    }
}
