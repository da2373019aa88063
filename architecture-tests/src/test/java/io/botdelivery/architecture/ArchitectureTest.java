package io.botdelivery.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module graph is one-way: api ← core ← adapters ← example-bot and the Spring Boot starter. One rule per invariant, named after it.
 * Production classes only: tests may wire anything.
 */
@AnalyzeClasses(packages = "io.botdelivery", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] ADAPTERS = {
            "io.botdelivery.limiter..", "io.botdelivery.store..", "io.botdelivery.sender.."};
    private static final String BENCH = "io.botdelivery.bench..";
    private static final String STORE = "io.botdelivery.store..";
    private static final String SQL_BASE = "io.botdelivery.store.jdbc..";
    private static final String CODEC = "io.botdelivery.codec..";

    @ArchTest
    static final ArchRule api_depends_only_on_jdk = classes()
            .that().resideInAPackage("io.botdelivery.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.botdelivery.api..")
            .because("the public model must be usable with no dependency but the JDK");

    @ArchTest
    static final ArchRule core_knows_no_adapter_or_vendor_library = classes()
            .that().resideInAPackage("io.botdelivery.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "java..", "io.botdelivery.api..", "io.botdelivery.core..", "org.slf4j..", "io.micrometer..")
            .because("the engine knows no Redis, SQL, MyBatis, Telegram or Guice type; adapters plug in through core.spi");

    @ArchTest
    static final ArchRule ports_depend_only_on_api_and_jdk = classes()
            .that().resideInAPackage("io.botdelivery.core.spi..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.botdelivery.api..", "io.botdelivery.core.spi..")
            .because("an adapter author reads only the ports and the API");

    @ArchTest
    static final ArchRule rate_arithmetic_depends_only_on_ports_and_jdk = classes()
            .that().resideInAPackage("io.botdelivery.core.ratelimit..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.botdelivery.core.spi..",
                    "io.botdelivery.core.ratelimit..")
            .because("every limiter adapter shares this arithmetic (one copy, not one per adapter), so it must stay as"
                    + " free of the engine as the ports are");

    @ArchTest
    static final ArchRule adapters_do_not_depend_on_each_other = slices()
            .matching("io.botdelivery.(limiter|store|sender).(*)..")
            .should().notDependOnEachOther()
            // the one exception, stated here rather than hidden in the pattern: a store may be built on the SQL base
            .ignoreDependency(resideInAPackage(STORE), resideInAPackage(SQL_BASE))
            .because("any limiter, store and sender combine; only example-bot chooses. A store may depend on store-jdbc,"
                    + " the base of SQL stores, which is no adapter of its own choosing but the queue's rules over JDBC");

    @ArchTest
    static final ArchRule only_stores_depend_on_the_sql_base = noClasses()
            .that().resideOutsideOfPackages(STORE, "io.botdelivery.example..", "io.botdelivery.spring.boot..", BENCH)
            .should().dependOnClassesThat().resideInAPackage(SQL_BASE)
            .because("store-jdbc is a base for stores, not a port: the engine, limiters and senders never see it");

    @ArchTest
    static final ArchRule the_sql_base_knows_only_ports_api_codec_and_jdbc = classes()
            .that().resideInAPackage(SQL_BASE)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.sql..", "io.botdelivery.api..",
                    "io.botdelivery.core.spi..", CODEC, SQL_BASE, "org.slf4j..")
            .because("the base must run on any JDBC driver: no vendor driver, pool or ORM, so every SQL store can use it");

    @ArchTest
    static final ArchRule the_codec_depends_only_on_the_api_and_jackson = classes()
            .that().resideInAPackage(CODEC)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.botdelivery.api..", CODEC,
                    "com.fasterxml.jackson..")
            .because("every store, in or outside this repository, may use the stored payload format without the engine");

    @ArchTest
    static final ArchRule core_does_not_use_the_codec = noClasses()
            .that().resideInAPackage("io.botdelivery.core..")
            .should().dependOnClassesThat().resideInAPackage(CODEC)
            .because("the engine never serializes a payload; storing one is a store's business (and core stays free of Jackson)");

    @ArchTest
    static final ArchRule adapters_know_only_ports_and_api = noClasses()
            .that().resideInAnyPackage(ADAPTERS)
            .should().dependOnClassesThat().resideInAPackage("io.botdelivery.core")
            .because("adapters implement core.spi ports and must not reach into the engine's internals");

    @ArchTest
    static final ArchRule production_code_does_not_use_the_testkit = noClasses()
            .that().resideOutsideOfPackages("io.botdelivery.testkit..", BENCH)
            .should().dependOnClassesThat().resideInAPackage("io.botdelivery.testkit..")
            .because("the test kits are test scope; only the benchmarks (never shipped, they start embedded servers) "
                    + "use the server extensions at compile scope");

    @ArchTest
    static final ArchRule simulator_depends_only_on_the_model_and_its_http_stack = classes()
            .that().resideInAPackage("io.botdelivery.simulator..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.botdelivery.simulator..",
                    "io.botdelivery.api..", "io.botdelivery.core.spi..", "io.undertow..", "org.xnio..",
                    "com.fasterxml.jackson..", "org.slf4j..")
            .because("the simulator ships in the demo and the benchmarks: no JUnit, no engine internals, no adapter");

    @ArchTest
    static final ArchRule only_tools_depend_on_the_simulator = noClasses()
            .that().resideInAnyPackage("io.botdelivery.api..", "io.botdelivery.core..", "io.botdelivery.limiter..",
                    "io.botdelivery.store..", "io.botdelivery.sender..")
            .should().dependOnClassesThat().resideInAPackage("io.botdelivery.simulator..")
            .because("the library talks to the real Bot API; the simulator is for the demo, benchmarks and tests");

    @ArchTest
    static final ArchRule nothing_depends_on_the_example_bot = noClasses()
            .that().resideOutsideOfPackage("io.botdelivery.example..")
            .should().dependOnClassesThat().resideInAPackage("io.botdelivery.example..")
            .because("example-bot is the top of the graph: the template users copy");

    @ArchTest
    static final ArchRule nothing_depends_on_the_spring_boot_starter = noClasses()
            .that().resideOutsideOfPackage("io.botdelivery.spring.boot..")
            .should().dependOnClassesThat().resideInAPackage("io.botdelivery.spring.boot..")
            .because("the starter chooses adapters for Spring Boot applications, as example-bot does for Guice: it is a "
                    + "top of the graph, and no library module may need Spring");

    @ArchTest
    static final ArchRule the_spring_boot_starter_knows_only_ports_api_and_adapters = noClasses()
            .that().resideInAPackage("io.botdelivery.spring.boot..")
            .should().dependOnClassesThat().resideInAnyPackage("io.botdelivery.testkit..", "io.botdelivery.simulator..",
                    "io.botdelivery.example..", "com.google.inject..")
            .because("the starter ships in applications: no test kit, no simulator, no Guice");
}
