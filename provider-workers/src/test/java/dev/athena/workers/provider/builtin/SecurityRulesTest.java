package dev.athena.workers.provider.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SecurityRulesTest {
    private final RuleAnalyser analyser = new RuleAnalyser();

    private List<Finding> scan(String language, String code) {
        return analyser.analyse(AnalysisType.SECURITY, language, null, code).findings();
    }

    private static List<String> rulesAt(List<Finding> findings) {
        return findings.stream().map(f -> f.ruleId() + "@" + f.line()).toList();
    }

    @Nested
    class HardcodedSecrets {
        @Test
        void shouldFindAwsAccessKeyWithoutEchoingIt() {
            List<Finding> findings = scan("python", "import boto3\nKEY_ID = 'AKIAIOSFODNN7EXAMPLE'\n");
            assertThat(rulesAt(findings)).containsExactly("hardcoded-secret@2");
            assertThat(findings.getFirst().severity()).isEqualTo(Severity.CRITICAL);
            assertThat(findings.getFirst().message()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
            assertThat(findings.getFirst().suggestion()).isNotBlank();
        }

        @Test
        void shouldFindPrivateKeyBlock() {
            String code = "const key = `\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`;\n";
            assertThat(rulesAt(scan("javascript", code))).containsExactly("hardcoded-secret@2");
            assertThat(rulesAt(scan("go", "const k = \"-----BEGIN OPENSSH PRIVATE KEY-----\"\n")))
                    .containsExactly("hardcoded-secret@1");
        }

        @Test
        void shouldFindPasswordAssignmentsInEveryLanguageWithoutTheValue() {
            assertThat(rulesAt(scan("java", "class A {\n  private static final String DB_PASSWORD = \"hunter2!\";\n}")))
                    .containsExactly("hardcoded-secret@2");
            assertThat(rulesAt(scan("python", "password: str = 'Sup3rS3cret'\n"))).containsExactly("hardcoded-secret@1");
            assertThat(rulesAt(scan("javascript", "const cfg = { apiKey: \"abcd1234efgh\" };\n")))
                    .containsExactly("hardcoded-secret@1");
            List<Finding> go = scan("go", "func f() {\n\ttoken := \"tok-123456\"\n}\n");
            assertThat(rulesAt(go)).containsExactly("hardcoded-secret@2");
            assertThat(go.getFirst().message()).contains("'token'").doesNotContain("tok-123456");
        }

        @Test
        void shouldNotFlagSecretsReadFromTheEnvironmentOrCompared() {
            assertThat(scan("python", "password = os.environ['DB_PASSWORD']\nif password == 'abc':\n    pass\n"))
                    .isEmpty();
            assertThat(scan("java", "String password = System.getenv(\"DB_PASSWORD\");\n")).isEmpty();
            assertThat(scan("javascript", "const token = process.env.TOKEN;\nconst tokenType = \"bearer\";\n")).isEmpty();
            assertThat(scan("python", "password = ''\nsecret = '${SECRET}'\n")).isEmpty();
        }

        /** Constants that hold the name of a setting, metric or key are labels, not secrets. */
        @Test
        void shouldNotFlagConstantsThatSpellTheNameTheyAreAssignedTo() {
            assertThat(scan("java", "static final String MAX_TOKENS = \"ATHENA_BATCH_MAX_TOKENS\";\n"
                    + "static final String TOKENS = \"athena.provider.tokens\";\n"
                    + "static final String CREDENTIAL = \"athena.credential\";\n"
                    + "static final String HARDCODED_SECRET = \"hardcoded-secret\";\n")).isEmpty();
            assertThat(rulesAt(scan("java", "static final String DB_PASSWORD = \"hunter2-production\";\n")))
                    .as("a value that does not spell the name is still a secret").containsExactly("hardcoded-secret@1");
            assertThat(rulesAt(scan("python", "password = 'password123'\n"))).containsExactly("hardcoded-secret@1");
        }

        @Test
        void shouldNotTakeTheBranchesOfAConditionalForAnAssignment() {
            assertThat(scan("java", "body.put(openai ? \"max_completion_tokens\" : \"max_tokens\", n);\n"
                    + "error.put(\"type\", quota ? \"insufficient_quota\" : limited ? \"tokens\" : \"server_error\");\n"))
                    .isEmpty();
            assertThat(rulesAt(scan("javascript", "const cfg = {\"password\": \"s3cr3t-pa55\"};\n")))
                    .as("a quoted key is still a key").containsExactly("hardcoded-secret@1");
        }
    }

    @Nested
    class Injection {
        @Test
        void shouldFindSqlConcatenationInEveryLanguage() {
            String py = "def find(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n";
            List<Finding> findings = scan("python", py);
            assertThat(rulesAt(findings)).containsExactly("sql-injection@2");
            assertThat(findings.getFirst().message()).isEqualTo("SQL built by string concatenation");
            assertThat(findings.getFirst().severity()).isEqualTo(Severity.HIGH);
            assertThat(rulesAt(scan("java", "ResultSet r = st.executeQuery(\"SELECT id FROM t WHERE name = '\" + name + \"'\");")))
                    .containsExactly("sql-injection@1");
            assertThat(rulesAt(scan("javascript", "db.query(\"DELETE FROM users WHERE id = \" + req.params.id);")))
                    .containsExactly("sql-injection@1");
            assertThat(rulesAt(scan("go", "rows, err := db.Query(\"SELECT * FROM users WHERE name = '\" + name + \"'\")")))
                    .containsExactly("sql-injection@1");
        }

        @Test
        void shouldFindSqlConcatenationAcrossLines() {
            String java = "String q = \"SELECT * FROM users WHERE name = '\"\n        + name + \"'\";\n";
            assertThat(rulesAt(scan("java", java))).containsExactly("sql-injection@1");
        }

        @Test
        void shouldFindSqlBuiltWithFStringsFormatAndTemplates() {
            assertThat(scan("python", "cur.execute(f\"SELECT * FROM users WHERE id = {uid}\")\n").getFirst().message())
                    .isEqualTo("SQL built by an f-string");
            assertThat(scan("python", "cur.execute(\"SELECT * FROM t WHERE id = %s\" % uid)\n").getFirst().message())
                    .isEqualTo("SQL built by string formatting");
            assertThat(scan("python", "cur.execute(\"SELECT * FROM t WHERE id = {}\".format(uid))\n")).hasSize(1);
            assertThat(scan("javascript", "db.query(`SELECT * FROM users WHERE id = ${id}`);\n").getFirst().message())
                    .isEqualTo("SQL built by a template literal");
            assertThat(rulesAt(scan("go", "q := fmt.Sprintf(\"SELECT * FROM users WHERE id = %s\", id)\n")))
                    .containsExactly("sql-injection@1");
            assertThat(rulesAt(scan("java", "String q = String.format(\"DELETE FROM t WHERE id = %s\", id);")))
                    .containsExactly("sql-injection@1");
        }

        /** "or admin", "and nothing" hold "in" inside a word: English in a message, not a SQL condition. */
        @Test
        void shouldNotTakeWordsContainingSqlKeywordsForSql() {
            assertThat(scan("java", "throw new IllegalStateException(name + \" has no changelog and nothing to restore\");\n"
                    + "String m = \"unknown scope '\" + name + \"' (expected submit, read or admin)\";\n"
                    + "String e = what + \": unknown model or endpoint\";\n")).isEmpty();
            assertThat(rulesAt(scan("java", "q = \"SELECT * FROM t WHERE id IN (\" + ids + \")\";\n"
                    + "q = \"... where name like '\" + pattern + \"'\";\n")))
                    .containsExactly("sql-injection@1", "sql-injection@2");
        }

        @Test
        void shouldNotFlagParameterisedQueries() {
            assertThat(scan("python", "cur.execute(\"SELECT * FROM users WHERE name = %s\", (u,))\n")).isEmpty();
            assertThat(scan("java", "PreparedStatement ps = c.prepareStatement(\"SELECT * FROM users WHERE name = ?\");\n"
                    + "ps.setString(1, name);\n")).isEmpty();
            assertThat(scan("javascript", "db.query('SELECT * FROM users WHERE id = $1', [id]);\n")).isEmpty();
            assertThat(scan("go", "db.Query(\"SELECT * FROM users WHERE name = $1\", name)\n")).isEmpty();
            assertThat(scan("java", "String q = \"SELECT a FROM t \" + \"WHERE id = ?\";\n")).isEmpty();
            assertThat(scan("java", "int n = count(\"select count(*) from audit where action_id like ?\", \"%-\" + client);\n"))
                    .as("the value added to is the bound argument, not the SQL").isEmpty();
            assertThat(rulesAt(scan("java", "String q = base + \" WHERE id = 1\";\n"))).containsExactly("sql-injection@1");
        }

        @Test
        void shouldFindEvalAndExec() {
            assertThat(rulesAt(scan("python", "x = eval(user_input)\nexec(code)\nmodel.eval()\n")))
                    .containsExactly("code-injection@1", "code-injection@2");
            assertThat(rulesAt(scan("javascript", "const r = eval(req.body.expr);\nconst f = new Function('a', body);\n")))
                    .containsExactly("code-injection@1", "code-injection@2");
            assertThat(scan("javascript", "// eval(x) in a comment\nconst s = \"eval(x)\";\n")).isEmpty();
        }

        @Test
        void shouldFindShellExecutionInEveryLanguage() {
            assertThat(rulesAt(scan("java", "Process p = Runtime.getRuntime().exec(\"ls \" + dir);\n")))
                    .containsExactly("command-injection@1");
            assertThat(rulesAt(scan("java", "new ProcessBuilder(\"sh\", \"-c\", cmd).start();\n")))
                    .containsExactly("command-injection@1");
            assertThat(rulesAt(scan("python", "import os\nos.system('rm -rf ' + path)\n")))
                    .containsExactly("command-injection@2");
            assertThat(rulesAt(scan("python", "subprocess.run(\n    cmd,\n    shell=True)\n")))
                    .containsExactly("command-injection@1");
            assertThat(rulesAt(scan("javascript", "const cp = require('child_process');\ncp.exec('ls ' + dir);\n")))
                    .containsExactly("command-injection@2");
            assertThat(rulesAt(scan("javascript", "import { exec } from 'child_process';\nexec(`git ${args}`);\n")))
                    .containsExactly("command-injection@2");
            assertThat(rulesAt(scan("go", "cmd := exec.Command(\"sh\", \"-c\", userCmd)\n")))
                    .containsExactly("command-injection@1");
        }

        @Test
        void shouldNotFlagSafeProcessStarts() {
            assertThat(scan("python", "subprocess.run(['ls', path], shell=False)\nsubprocess.run(['ls', path])\n"))
                    .isEmpty();
            assertThat(scan("javascript", "const m = /a(b)/.exec(text);\n")).isEmpty();
            assertThat(scan("go", "cmd := exec.Command(\"ls\", \"-l\", dir)\n")).isEmpty();
        }
    }

    @Nested
    class Deserialization {
        @Test
        void shouldFindUnsafeDeserializationInEveryLanguage() {
            assertThat(rulesAt(scan("java", "ObjectInputStream in = new ObjectInputStream(socket.getInputStream());\n")))
                    .containsExactly("unsafe-deserialization@1");
            assertThat(rulesAt(scan("python", "obj = pickle.loads(data)\ncfg = yaml.load(text)\n")))
                    .containsExactly("unsafe-deserialization@1", "unsafe-deserialization@2");
            assertThat(rulesAt(scan("javascript", "const s = require('node-serialize');\nconst o = s.unserialize(body);\n")))
                    .containsExactly("unsafe-deserialization@1", "unsafe-deserialization@2");
            String go = "func f(r io.Reader) {\n\tvar v interface{}\n\tdec := gob.NewDecoder(r)\n\tdec.Decode(&v)\n}\n";
            assertThat(rulesAt(scan("go", go))).containsExactly("unsafe-deserialization@4");
        }

        @Test
        void shouldAcceptYamlWithSafeLoader() {
            assertThat(scan("python", "cfg = yaml.load(text, Loader=yaml.SafeLoader)\ncfg = yaml.safe_load(text)\n"))
                    .isEmpty();
        }
    }

    @Test
    void shouldGuessLanguageFromPathAndSortFindingsByLine() {
        String code = "import os\nos.system(cmd)\npassword = 'hunter2x'\nx = eval(s)\n";
        List<Finding> findings = analyser.analyse(AnalysisType.SECURITY, null, "tools/run.py", code).findings();
        assertThat(rulesAt(findings)).containsExactly("command-injection@2", "hardcoded-secret@3", "code-injection@4");
        assertThat(analyser.analyse(AnalysisType.SECURITY, null, "a.py", code).summary()).isEqualTo("3 findings");
    }

    @Test
    void shouldReportNoFindingsForCleanCode() {
        RuleAnalyser.Report report = analyser.analyse(AnalysisType.SECURITY, "java", null,
                "class A {\n  int add(int a, int b) { return a + b; }\n}\n");
        assertThat(report.findings()).isEmpty();
        assertThat(report.summary()).isEqualTo("no findings");
    }
}
