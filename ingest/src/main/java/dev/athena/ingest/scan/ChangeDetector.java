package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides which files a scan submits. A file is unchanged when the last scan saw the same SHA-256 and asked the
 * same question (analysis type, provider and model: an answer from another provider is not the one asked for now),
 * and its result is a COMPLETED one from the provider that was to answer, either carried in our state or, when it
 * arrived after that scan ended, found by request id in the splitter's stored results. An unchanged file whose
 * result never arrived anywhere, was FAILED, EXPIRED, REJECTED or CANCELLED, or came from the built-in analyser
 * standing in for an unavailable provider (degraded, which the pipeline's cache does not keep either), is
 * submitted again: the cache answers a completed question without paying twice, and a provider outage during one
 * scan is not carried into every later one.
 */
final class ChangeDetector {
    private final Function<String, Optional<AnalysisResult>> storedResults;

    ChangeDetector(Function<String, Optional<AnalysisResult>> storedResults) {
        this.storedResults = storedResults;
    }

    record Unchanged(SourceFile file, FileState previous, AnalysisResult result) {
    }

    record Changes(List<SourceFile> changed, List<Unchanged> unchanged, List<String> removed) {
    }

    Changes detect(List<SourceFile> files, Map<String, FileState> previous, Asked asked) {
        List<SourceFile> changed = new ArrayList<>();
        List<Unchanged> unchanged = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SourceFile file : files) {
            seen.add(file.path());
            FileState last = previous.get(file.path());
            if (last == null || !last.sha256().equals(file.sha256()) || !asked.equals(last.asked())) {
                changed.add(file);
                continue;
            }
            AnalysisResult result = last.result() != null ? last.result()
                    : storedResults.apply(last.requestId()).orElse(null);
            if (result == null || result.status() != ResultStatus.COMPLETED || result.answeredByStandIn()) {
                // only a proper answer is carried over; a failed, expired, refused or stand-in one is asked again
                changed.add(file);
            } else {
                unchanged.add(new Unchanged(file, last, result));
            }
        }
        List<String> removed = previous.keySet().stream().filter(p -> !seen.contains(p)).sorted().toList();
        return new Changes(List.copyOf(changed), List.copyOf(unchanged), removed);
    }
}
