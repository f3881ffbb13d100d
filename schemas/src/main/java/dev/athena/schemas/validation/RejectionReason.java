package dev.athena.schemas.validation;

/** Why a request was turned away; the name is the {@code error.code} of the REJECTED result and a DLQ header. */
public enum RejectionReason {
    INVALID_UTF8, INVALID_JSON, UNSUPPORTED_SCHEMA_VERSION, MISSING_FIELD, INVALID_FIELD, UNKNOWN_ANALYSIS_TYPE,
    EMPTY_CODE, CODE_TOO_LARGE, REQUEST_TOO_LARGE, DEADLINE_PASSED, UNAUTHORISED_CLIENT
}
