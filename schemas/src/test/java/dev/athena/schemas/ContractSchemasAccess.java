package dev.athena.schemas;

import com.networknt.schema.Error;
import java.util.List;

/** Lets tests in feature packages use the package-private {@link ContractSchemas}. */
public final class ContractSchemasAccess {
    private ContractSchemasAccess() {
    }

    public static List<Error> validate(String resource, byte[] json) {
        return ContractSchemas.validate(resource, json);
    }
}
