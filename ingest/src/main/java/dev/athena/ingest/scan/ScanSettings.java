package dev.athena.ingest.scan;

import dev.athena.ingest.MaskedUrls;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.AskedRoute;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One repository scan: what to walk, as whom, which provider and model to ask, how long to wait for results and
 * where to write the report. {@code repoName} keys the change detection, so two scans of the same repository must
 * use the same name; a file is asked again when the type, provider or model differs from its last scan's.
 * {@code gitIgnore}: leave out what the repository's {@code .gitignore} files ignore, as git does (the default).
 */
public record ScanSettings(Path repository, String repoName, String clientId, AnalysisType type, AskedRoute route,
        List<String> include, List<String> exclude, Duration timeout, String bootstrap, String jdbcUrl,
        String dbUser, String dbPassword, Path reportDir, boolean gitIgnore) {

    public static final List<String> DEFAULT_INCLUDE = List.of("**");
    public static final List<String> DEFAULT_EXCLUDE = List.of(".git/**", "**/.git/**", "**/node_modules/**",
            "**/target/**", ".athena/**");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    public ScanSettings {
        Objects.requireNonNull(repository, "repository");
        repository = repository.toAbsolutePath().normalize();
        if (repoName == null || repoName.isBlank()) {
            throw new IllegalArgumentException("repoName must not be blank but was '" + repoName + "'");
        }
        Topics.resultsTopicName(clientId);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(route, "route");
        include = include == null || include.isEmpty() ? DEFAULT_INCLUDE : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive but was " + timeout);
        }
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(reportDir, "reportDir");
        reportDir = reportDir.toAbsolutePath().normalize();
    }

    /**
     * A security scan of {@code repository} named after its folder, default globs, a 30 minute wait and reports
     * under {@code .athena/scans/<repoName>} of the working directory.
     */
    public static ScanSettings of(Path repository, String clientId, String bootstrap, String jdbcUrl, String dbUser,
            String dbPassword) {
        Path absolute = repository.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "root" : absolute.getFileName().toString();
        return new ScanSettings(absolute, name, clientId, AnalysisType.SECURITY, AskedRoute.AUTO, DEFAULT_INCLUDE,
                DEFAULT_EXCLUDE, DEFAULT_TIMEOUT, bootstrap, jdbcUrl, dbUser, dbPassword,
                Path.of(".athena", "scans", name), true);
    }

    public ScanSettings withRepoName(String newName) {
        return new ScanSettings(repository, newName, clientId, type, route, include, exclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, gitIgnore);
    }

    public ScanSettings withType(AnalysisType newType) {
        return new ScanSettings(repository, repoName, clientId, newType, route, include, exclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, gitIgnore);
    }

    /** The provider and model every file of the scan asks for. */
    public ScanSettings withRoute(AskedRoute newRoute) {
        return new ScanSettings(repository, repoName, clientId, type, newRoute, include, exclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, gitIgnore);
    }

    public ScanSettings withGlobs(List<String> newInclude, List<String> newExclude) {
        return new ScanSettings(repository, repoName, clientId, type, route, newInclude, newExclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, gitIgnore);
    }

    public ScanSettings withTimeout(Duration newTimeout) {
        return new ScanSettings(repository, repoName, clientId, type, route, include, exclude, newTimeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, gitIgnore);
    }

    public ScanSettings withReportDir(Path newReportDir) {
        return new ScanSettings(repository, repoName, clientId, type, route, include, exclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, newReportDir, gitIgnore);
    }

    public ScanSettings withGitIgnore(boolean honoured) {
        return new ScanSettings(repository, repoName, clientId, type, route, include, exclude, timeout, bootstrap,
                jdbcUrl, dbUser, dbPassword, reportDir, honoured);
    }

    /** The password stays out of logs, and so do credentials inside the database URL. */
    @Override
    public String toString() {
        return "ScanSettings[repository=" + repository + ", repoName=" + repoName + ", clientId=" + clientId
                + ", type=" + type.wireName() + ", provider=" + route.providerOrAuto() + ", model="
                + route.modelOrAuto() + ", include=" + include + ", exclude=" + exclude + ", timeout="
                + timeout + ", gitIgnore=" + gitIgnore + ", bootstrap=" + bootstrap + ", jdbcUrl="
                + MaskedUrls.mask(jdbcUrl) + ", reportDir=" + reportDir + "]";
    }
}
