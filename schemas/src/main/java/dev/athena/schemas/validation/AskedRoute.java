package dev.athena.schemas.validation;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.ProviderNames;
import java.util.Optional;

/**
 * A provider and model named on a command line ({@code --provider}, {@code --model}), checked as admission will
 * check them, so that a tool can refuse a name before it sends anything or starts a server. Absent (null) means
 * {@code auto}: the pipeline chooses.
 */
public record AskedRoute(String provider, String model) {
    /** The pipeline chooses both. */
    public static final AskedRoute AUTO = new AskedRoute(null, null);

    /** Both checked; the message of the exception names the option and the value. */
    public AskedRoute {
        providerProblem(provider).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        modelProblem(model).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** What admission would refuse in {@code provider} (null is fine), worded for {@code --provider}. */
    public static Optional<String> providerProblem(String provider) {
        if (provider == null || ProviderNames.requestable(provider)) {
            return Optional.empty();
        }
        return Optional.of("--provider must be one of " + String.join(", ", ProviderNames.ALL) + " or "
                + AnalysisRequest.AUTO + ", but was '" + provider + "'");
    }

    /** What admission would refuse in {@code model} (null is fine), worded for {@code --model}. */
    public static Optional<String> modelProblem(String model) {
        if (model == null || !model.isBlank() && !model.contains("/")
                && model.length() <= RequestLimits.MAX_PROVIDER_OR_MODEL_LENGTH) {
            return Optional.empty();
        }
        return Optional.of("--model must be 1-" + RequestLimits.MAX_PROVIDER_OR_MODEL_LENGTH
                + " characters without '/', but was '" + model + "'");
    }

    /** As a request carries it: {@code auto} where nothing was named. */
    public String providerOrAuto() {
        return provider == null ? AnalysisRequest.AUTO : provider;
    }

    /** As a request carries it: {@code auto} where nothing was named. */
    public String modelOrAuto() {
        return model == null ? AnalysisRequest.AUTO : model;
    }
}
