package dev.athena.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.athena.schemas.json.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The shipped JSON Schemas, loaded from the classpath by their {@code $id} the way a non-Java producer would
 * load them from files. Formats (date-time) are asserted, as the decoder does.
 */
final class ContractSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                    .schemaIdResolvers(ids -> ids.mapPrefix(JsonSchemas.BASE_URI,
                            "classpath:" + JsonSchemas.DIRECTORY)));
    private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

    private ContractSchemas() {
    }

    static Schema load(String resource) {
        return LOADED.computeIfAbsent(resource, r -> {
            Schema schema = REGISTRY.getSchema(SchemaLocation.of(JsonSchemas.idOf(r)));
            schema.initializeValidators();
            return schema;
        });
    }

    static List<Error> validate(String resource, JsonNode instance) {
        return load(resource).validate(instance);
    }

    static List<Error> validate(String resource, byte[] json) {
        return validate(resource, Json.tree(json));
    }

    /** Which schema an example file is written against: its name up to the first dot. */
    static String resourceForExample(String fileName) {
        String stem = fileName.substring(0, fileName.indexOf('.'));
        return JsonSchemas.all().stream().filter(r -> r.equals(JsonSchemas.DIRECTORY + stem + ".schema.json"))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("example " + fileName
                        + " does not start with a schema name"));
    }
}
