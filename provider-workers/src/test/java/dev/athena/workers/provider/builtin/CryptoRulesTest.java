package dev.athena.workers.provider.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CryptoRulesTest {
    private final RuleAnalyser analyser = new RuleAnalyser();

    private List<Finding> scan(String language, String code) {
        return analyser.analyse(AnalysisType.SECURITY, language, null, code).findings();
    }

    private List<String> rulesAt(String language, String code) {
        return scan(language, code).stream().map(f -> f.ruleId() + "@" + f.line()).toList();
    }

    @Nested
    class TlsVerification {
        @Test
        void shouldFindCertificateChecksTurnedOffInEveryLanguage() {
            assertThat(rulesAt("python", "import requests\nr = requests.get(url, verify=False)\n"))
                    .containsExactly("tls-verification-disabled@2");
            assertThat(rulesAt("python", "ctx = ssl._create_unverified_context()\nctx.verify_mode = ssl.CERT_NONE\n"))
                    .containsExactly("tls-verification-disabled@1", "tls-verification-disabled@2");
            assertThat(rulesAt("javascript", "const agent = new https.Agent({ rejectUnauthorized: false });\n"))
                    .containsExactly("tls-verification-disabled@1");
            assertThat(rulesAt("javascript", "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n"))
                    .containsExactly("tls-verification-disabled@1");
            assertThat(rulesAt("go", "cfg := &tls.Config{InsecureSkipVerify: true}\n"))
                    .containsExactly("tls-verification-disabled@1");
            assertThat(rulesAt("java", "class A {\n  void f() {\n    conn.setHostnameVerifier((host, session) -> true);"
                    + "\n    b.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);\n  }\n}\n"))
                    .containsExactly("tls-verification-disabled@3", "tls-verification-disabled@4");
            Finding finding = scan("go", "c := tls.Config{InsecureSkipVerify: true}\n").getFirst();
            assertThat(finding.severity()).isEqualTo(Severity.HIGH);
            assertThat(finding.suggestion()).contains("trust store");
        }

        @Test
        void shouldLeaveChecksThatStayOnAndOtherVerifyFlagsAlone() {
            assertThat(scan("python", "requests.get(url, verify=True)\nrequests.get(url, verify='/etc/ca.pem')\n"))
                    .isEmpty();
            assertThat(scan("python", "claims = jwt.decode(token, verify=False)\n")).as("not TLS").isEmpty();
            assertThat(scan("javascript", "const agent = new https.Agent({ rejectUnauthorized: true });\n")).isEmpty();
            assertThat(scan("go", "cfg := &tls.Config{InsecureSkipVerify: false}\n// InsecureSkipVerify: true\n"))
                    .as("false, and a comment").isEmpty();
        }
    }

    @Nested
    class WeakHashes {
        @Test
        void shouldFindMd5AndSha1InEveryLanguage() {
            List<Finding> python = scan("python", "h = hashlib.md5(password.encode()).hexdigest()\n");
            assertThat(python).extracting(f -> f.ruleId() + "@" + f.line()).containsExactly("weak-hash@1");
            assertThat(python.getFirst().severity()).isEqualTo(Severity.MEDIUM);
            assertThat(python.getFirst().message()).startsWith("MD5 is broken");
            assertThat(scan("python", "d = hashlib.new('sha1', data)\n").getFirst().message()).startsWith("SHA-1");
            assertThat(rulesAt("java", "class A {\n  MessageDigest md = MessageDigest.getInstance(\"SHA-1\");\n}\n"))
                    .containsExactly("weak-hash@2");
            assertThat(rulesAt("java", "class A {\n  String h = DigestUtils.md5Hex(text);\n}\n"))
                    .containsExactly("weak-hash@2");
            assertThat(rulesAt("javascript", "const h = crypto.createHash('md5').update(pw).digest('hex');\n"))
                    .containsExactly("weak-hash@1");
            assertThat(scan("go", "sum := sha1.Sum(data)\n").getFirst().message()).startsWith("SHA-1");
        }

        @Test
        void shouldLeaveStrongHashesAndDeclaredNonSecurityUsesAlone() {
            assertThat(scan("python", "h = hashlib.sha256(data)\nk = hashlib.md5(data, usedforsecurity=False)\n"))
                    .isEmpty();
            assertThat(scan("java", "class A {\n  MessageDigest md = MessageDigest.getInstance(\"SHA-256\");\n}\n"))
                    .isEmpty();
            assertThat(scan("javascript", "const h = crypto.createHash('sha256');\n")).isEmpty();
            assertThat(scan("go", "sum := sha256.Sum256(data)\n")).isEmpty();
        }
    }

    @Nested
    class WeakCiphers {
        @Test
        void shouldFindBrokenCiphersAndEcbMode() {
            List<Finding> java = scan("java", "class A {\n  Cipher a = Cipher.getInstance(\"DES/CBC/PKCS5Padding\");\n"
                    + "  Cipher b = Cipher.getInstance(\"AES/ECB/PKCS5Padding\");\n"
                    + "  Cipher c = Cipher.getInstance(\"AES\");\n}\n");
            assertThat(java).extracting(f -> f.ruleId() + "@" + f.line()).containsExactly("weak-cipher@2",
                    "weak-cipher@3", "weak-cipher@4");
            assertThat(java.get(0).message()).isEqualTo("DES is a broken or obsolete cipher");
            assertThat(java.get(1).message()).startsWith("ECB mode");
            assertThat(java.get(2).message()).contains("bare \"AES\"");
            assertThat(rulesAt("python", "c = AES.new(key, AES.MODE_ECB)\nd = DES3.new(key, DES3.MODE_CBC, iv)\n"))
                    .containsExactly("weak-cipher@1", "weak-cipher@2");
            assertThat(rulesAt("javascript", "const c = crypto.createCipheriv('des-ede3-cbc', key, iv);\n"
                    + "const d = crypto.createCipher('aes-256-cbc', pw);\n"))
                    .containsExactly("weak-cipher@1", "weak-cipher@2");
            assertThat(scan("javascript", "const d = crypto.createCipher('aes-256-cbc', pw);\n").getFirst().message())
                    .contains("derives the key with MD5");
            assertThat(rulesAt("go", "block, err := des.NewTripleDESCipher(key)\ns, _ := rc4.NewCipher(key)\n"))
                    .containsExactly("weak-cipher@1", "weak-cipher@2");
        }

        @Test
        void shouldLeaveAuthenticatedModesAlone() {
            assertThat(scan("java", "class A {\n  Cipher c = Cipher.getInstance(\"AES/GCM/NoPadding\");\n}\n"))
                    .isEmpty();
            assertThat(scan("python", "c = AES.new(key, AES.MODE_GCM)\n")).isEmpty();
            assertThat(scan("javascript", "const c = crypto.createCipheriv('aes-256-gcm', key, iv);\n")).isEmpty();
            assertThat(scan("go", "block, err := aes.NewCipher(key)\naead, err := cipher.NewGCM(block)\n")).isEmpty();
        }
    }
}
