package io.kindling;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of Kindling's shape, over the library's own classes (grid-core and grid-client):
 * the API packages hold what users touch and everything else sits in {@code internal} packages
 * or is package-private; the graph model imports nothing else; components do not import each
 * other in a circle; no API signature exposes an engine type or one of Ignite's internals.
 */
class ArchitectureTest {
    /** The packages users import; every other package of Kindling's is {@code ..internal..}. */
    static final Set<String> API_PACKAGES = Set.of(
            "io.kindling", "io.kindling.graph", "io.kindling.scheduler", "io.kindling.client",
            "io.kindling.grid", "io.kindling.grid.dashboard");

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.matches(Pattern.compile(".*-tests\\.jar.*")))
                .importPackages("io.kindling");
        assertTrue(library.contain("io.kindling.client.Client") && library.contain("io.kindling.graph.Graph"),
                "the import must see both modules' classes");
    }

    @Test
    void everyPackage_isAnApiPackageOrInternal() {
        classes().should(new ArchCondition<>("be in an API package or an internal one") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String p = c.getPackageName();
                boolean ok = API_PACKAGES.contains(p) || p.contains(".internal");
                events.add(new SimpleConditionEvent(c, ok, c.getName() + " is in " + p
                        + ", neither an API package " + API_PACKAGES + " nor an internal one"));
            }
        }).check(library);
    }

    @Test
    void graph_importsNothingOfKindlingOrIgnite() {
        classes().that().resideInAPackage("io.kindling.graph..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.kindling.graph..")
                .check(library);
    }

    @Test
    void components_doNotImportEachOtherInACircle() {
        slices().matching("io.kindling.(*)..").should().beFreeOfCycles().check(library);
    }

    @Test
    void dashboardAndGrid_doNotImportEachOtherInACircle() {
        // The node starters of io.kindling.grid start the dashboard; the dashboard reads the
        // engine and never the starters; the engine knows of the dashboard only the record of a
        // task run (TaskEvent), which it writes.
        classes().that().resideInAPackage("io.kindling.grid.dashboard")
                .should().onlyDependOnClassesThat(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("io.kindling.grid")))
                .check(library);
        classes().that().resideInAPackage("io.kindling.grid.internal")
                .should().onlyDependOnClassesThat(DescribedPredicate.not(
                        JavaClass.Predicates.resideInAPackage("io.kindling.grid.dashboard")
                                .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(
                                        io.kindling.grid.dashboard.TaskEvent.class)))))
                .check(library);
    }

    @Test
    void apiSignatures_exposeNoEngineOrIgniteInternalType() {
        DescribedPredicate<JavaMember> inTheApi = new DescribedPredicate<>("public members of public API types") {
            @Override
            public boolean test(JavaMember m) {
                JavaClass owner = m.getOwner();
                return m.getModifiers().contains(JavaModifier.PUBLIC) && isApi(owner);
            }
        };
        members().that(inTheApi).should(new ArchCondition<>("name only API, JDK and public Ignite types") {
            @Override
            public void check(JavaMember m, ConditionEvents events) {
                List<JavaType> types = new ArrayList<>();
                if (m instanceof JavaCodeUnit u) {
                    types.add(u.getReturnType());
                    types.addAll(u.getParameterTypes());
                } else if (m instanceof JavaField f) {
                    types.add(f.getType());
                }
                for (JavaType t : types) {
                    for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                        String n = raw.getName();
                        boolean bad = n.startsWith("org.apache.ignite.internal.")
                                || (n.startsWith("io.kindling.") && !isApi(raw.getBaseComponentType()));
                        if (bad) {
                            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " exposes " + n));
                        }
                    }
                }
            }
        }).check(library);
        classes().that(new DescribedPredicate<>("public API types") {
            @Override
            public boolean test(JavaClass c) {
                return isApi(c);
            }
        }).should(new ArchCondition<>("extend and implement only API, JDK and public Ignite types") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<JavaClass> supers = new ArrayList<>(c.getRawInterfaces());
                c.getRawSuperclass().ifPresent(supers::add);
                for (JavaClass s : supers) {
                    String n = s.getName();
                    if (n.startsWith("org.apache.ignite.internal.") || (n.startsWith("io.kindling.") && !isApi(s))) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " extends or implements " + n));
                    }
                }
            }
        }).check(library);
    }

    @Test
    void readme_statesThePublicTypeCountOfTheApiPackages() throws IOException {
        TreeMap<String, TreeSet<String>> byPackage = new TreeMap<>();
        for (JavaClass c : library) {
            if (isApi(c) && c.getEnclosingClass().isEmpty()) {
                byPackage.computeIfAbsent(c.getPackageName(), p -> new TreeSet<>()).add(c.getSimpleName());
            }
        }
        int count = byPackage.values().stream().mapToInt(Set::size).sum();
        String readme = Files.readString(Path.of(System.getProperty("kindling.root", ".."), "README.md"));
        Matcher m = Pattern.compile("(\\d+) public types").matcher(readme);
        assertTrue(m.find(), "the README's architecture section states the API's public type count (\"N public types\")");
        assertEquals(count, Integer.parseInt(m.group(1)),
                "the README's count of the API's public types is out of date; they are: " + byPackage);
    }

    /** A public type of an API package (what a user can name), or a type that is not Kindling's. */
    static boolean isApi(JavaClass c) {
        if (!c.getName().startsWith("io.kindling")) {
            return true;
        }
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return API_PACKAGES.contains(c.getPackageName());
    }
}
