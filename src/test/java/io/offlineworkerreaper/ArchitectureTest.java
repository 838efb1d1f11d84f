package io.offlineworkerreaper;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages in layers (docs/ARCHITECTURE.md draws them): a package may use those below it, never one above. From
 * the bottom: text (making outside text safe), logging and settings; kubernetes then alluxio (they talk to the
 * outside); decision; optin; notify; observe; cycle; the root package (wiring, entry points); demo on top.
 */
class ArchitectureTest {

    /** Bottom first. Packages on one line share a layer and may not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("text"),
            List.of("logging", "settings"),
            List.of("kubernetes"),
            List.of("alluxio"),
            List.of("decision"),
            List.of("optin"),
            List.of("notify"),
            List.of("observe"),
            List.of("cycle"),
            List.of(""), // the root package
            List.of("demo"));

    private static final String BASE = "io.offlineworkerreaper";

    @Test
    void no_package_uses_one_above_it_or_beside_it() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
        List<String> failures = violations(BASE, classes);
        assertThat(failures).as("back-edges between the layers").isEmpty();
        // every package of the code has its layer: a new one must be placed
        assertThat(classes.stream().map(c -> c.getPackageName()).distinct())
                .allSatisfy(p -> assertThat(layerOf(BASE, p)).as("layer of package %s", p).isNotNegative());
    }

    @Test
    void the_packages_form_no_cycle() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(BASE));
    }

    /** The rule fails on a back-edge: planted.kubernetes.LowClass uses planted.cycle.HighClass. */
    @Test
    void a_planted_back_edge_is_found() {
        String planted = BASE + ".planted";
        JavaClasses classes = new ClassFileImporter().importPackages(planted);
        assertThat(violations(planted, classes)).singleElement().asString()
                .contains("kubernetes", "cycle", "LowClass", "HighClass");
    }

    private static List<String> violations(String base, JavaClasses classes) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> sameOrAbove = new ArrayList<>();
            for (int j = i; j < LAYERS.size(); j++) {
                for (String p : LAYERS.get(j)) {
                    sameOrAbove.add(p.isEmpty() ? base : base + "." + p + "..");
                }
            }
            for (String p : LAYERS.get(i)) {
                String own = p.isEmpty() ? base : base + "." + p + "..";
                List<String> forbidden = sameOrAbove.stream().filter(q -> !q.equals(own)).toList();
                if (forbidden.isEmpty()) {
                    continue;
                }
                ArchRule rule = noClasses().that().resideInAPackage(own).should().dependOnClassesThat()
                        .resideInAnyPackage(forbidden.toArray(String[]::new)).allowEmptyShould(true);
                EvaluationResult result = rule.evaluate(classes);
                if (result.hasViolation()) {
                    failures.add((p.isEmpty() ? "(root)" : p) + ": " + String.join("\n  ",
                            result.getFailureReport().getDetails()));
                }
            }
        }
        return failures;
    }

    private static int layerOf(String base, String pkg) {
        String rest = pkg.equals(base) ? "" : pkg.substring(base.length() + 1);
        String top = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(top)) {
                return i;
            }
        }
        return -1;
    }
}
