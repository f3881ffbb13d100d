package dev.athena.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contract module depends on nothing of ours and on few libraries: every service compiles against it. */
class ModuleBoundaryTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.athena.schemas");

    @Test
    void shouldDependOnlyOnTheJdkJacksonKafkaAndSlf4j() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.athena.schemas..",
                "tools.jackson..", "com.fasterxml.jackson.annotation..", "org.apache.kafka..", "org.slf4j..")
                .check(MAIN);
    }

    @Test
    void shouldKeepMessagesFreeOfKafkaAndValidation() {
        noClasses().that().resideInAPackage("dev.athena.schemas.message..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "dev.athena.schemas.validation..",
                        "dev.athena.schemas.topic..")
                .check(MAIN);
    }
}
