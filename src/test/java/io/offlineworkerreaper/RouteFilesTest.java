package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of routes/ that a reader and the logs rely on: the folders read as the flow, a route's id is its
 * file's name, every step with an outside effect and every hand-off to another route has an id and a
 * description, and no route names a Java type.
 */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("routes");
    /** NN-name: the number gives the place in the flow, the name says what is in it. */
    private static final Pattern ORDERED = Pattern.compile("\\d+-([a-z0-9]+(?:-[a-z0-9]+)*)");
    /** Beans whose methods reach outside the process: the Kubernetes API, Slack, the audit file, Events, the fence. */
    private static final Set<String> OUTSIDE = Set.of("nodeSource", "podReaper", "clusterActionExecutor", "outcomeRecorder",
            "destinations", "control", "fence", "keyDeleter");
    /** The steps that hand the exchange to an endpoint: another route, Kubernetes, etcd, Slack. */
    private static final Set<String> CALLS = Set.of("to", "toD", "enrich", "pollEnrich", "wireTap");
    /** Routes that Java calls (each destination's outbox posts through its route), not another route. */
    private static final Set<String> CALLED_FROM_JAVA = Set.of("direct:post-to-slack", "direct:post-to-alertmanager",
            "direct:post-to-webhook");

    record Step(Path file, String kind, Object definition) {
        Map<?, ?> map() {
            return definition instanceof Map<?, ?> m ? m : Map.of();
        }

        @Override
        public String toString() {
            return ROUTES.relativize(file) + ": " + kind + " " + definition;
        }
    }

    private static final List<Path> FILES = new ArrayList<>();
    private static final List<Map<?, ?>> ROUTE_DEFINITIONS = new ArrayList<>();
    private static final List<Step> STEPS = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            files.filter(Files::isRegularFile).sorted().forEach(FILES::add);
        }
        Load yaml = new Load(LoadSettings.builder().build());
        for (Path file : FILES) {
            Object document = yaml.loadFromString(Files.readString(file));
            assertThat(document).as(file + " holds a list").isInstanceOf(List.class);
            for (Object element : (List<?>) document) {
                Map<?, ?> definition = (Map<?, ?>) ((Map<?, ?>) element).values().iterator().next();
                ROUTE_DEFINITIONS.add(definition);
                collect(file, definition);
            }
        }
    }

    private static void collect(Path file, Object node) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                STEPS.add(new Step(file, String.valueOf(key), value));
                collect(file, value);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(file, item));
        }
    }

    @Test
    void should_order_folders_and_files_so_that_listing_routes_reads_as_the_flow() throws IOException {
        assertThat(FILES).isNotEmpty().allSatisfy(file -> {
            Path relative = ROUTES.relativize(file);
            assertThat(relative.getNameCount()).as(relative + ": one folder per stage").isEqualTo(2);
            assertThat(relative.getName(0).toString()).as(relative + ": folder").matches(ORDERED);
            assertThat(relative.getFileName().toString()).as(relative + ": file").endsWith(".camel.yaml");
            assertThat(relative.getFileName().toString().replace(".camel.yaml", "")).matches(ORDERED);
        });
        List<String> folders;
        try (Stream<Path> listed = Files.list(ROUTES)) {
            folders = listed.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertThat(folders).containsExactly("1-cycle", "2-workers", "3-opt-ins", "4-outbound");
        // and Camel loads every file, in that order
        java.util.Properties config = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            config.load(in);
        }
        assertThat(config.getProperty("camel.main.routes-include-pattern").split(",\\s*")).containsExactlyElementsOf(
                FILES.stream().map(f -> "classpath:" + f.toString().replace('\\', '/')).toList());
    }

    @Test
    void should_give_each_file_one_route_whose_id_is_the_file_name_with_a_description() throws IOException {
        Load yaml = new Load(LoadSettings.builder().build());
        for (Path file : FILES) {
            List<?> document = (List<?>) yaml.loadFromString(Files.readString(file));
            assertThat(document).as(file + ": one route per file").hasSize(1);
            Map<?, ?> definition = (Map<?, ?>) ((Map<?, ?>) document.get(0)).values().iterator().next();
            Matcher name = ORDERED.matcher(file.getFileName().toString().replace(".camel.yaml", ""));
            assertThat(name.matches()).isTrue();
            assertThat(definition.get("id")).as(file + ": id").isEqualTo(name.group(1));
            assertThat(String.valueOf(definition.get("description"))).as(file + ": description").isNotBlank()
                    .isNotEqualTo("null");
        }
    }

    @Test
    void should_give_every_call_out_and_every_hand_off_an_id_and_a_description() {
        List<Step> calls = STEPS.stream().filter(s -> CALLS.contains(s.kind())
                || (s.kind().equals("bean") || s.kind().equals("method")) && OUTSIDE.contains(String.valueOf(s.map().get("ref")))).toList();
        assertThat(calls).as("calls found").hasSizeGreaterThan(20);

        List<String> missing = new ArrayList<>();
        for (Step call : calls) {
            Map<?, ?> owner = call.kind().equals("method") ? ownerOf(call) : call.map();
            if (owner == null || owner.get("id") == null || owner.get("description") == null) {
                missing.add(call.toString());
            }
        }
        assertThat(missing).as("steps with an outside effect or a hand-off, without id or description").isEmpty();
    }

    /** The setProperty/setBody/setHeader that holds a method expression: it carries the id and description. */
    private static Map<?, ?> ownerOf(Step method) {
        return STEPS.stream().filter(s -> s.definition() instanceof Map<?, ?> m && m.get("method") == method.definition())
                .map(Step::map).findFirst().orElse(null);
    }

    @Test
    void should_hand_off_only_to_routes_that_exist_and_leave_no_route_unreached() {
        Set<String> consumers = new TreeSet<>();
        for (Map<?, ?> definition : ROUTE_DEFINITIONS) {
            Object from = definition.get("from");
            if (from instanceof Map<?, ?> f && String.valueOf(f.get("uri")).startsWith("direct:")) {
                consumers.add(String.valueOf(f.get("uri")));
            }
        }
        Set<String> targets = new TreeSet<>();
        for (Step step : STEPS) {
            if (CALLS.contains(step.kind())) {
                Map<?, ?> call = step.map();
                Object uri = call.containsKey("uri") ? call.get("uri") : call.get("constant");
                if (String.valueOf(uri).startsWith("direct:")) {
                    targets.add(String.valueOf(uri));
                }
            }
        }
        targets.addAll(CALLED_FROM_JAVA);
        assertThat(targets).isEqualTo(consumers);
    }

    @Test
    void should_name_beans_by_reference_never_a_java_type_and_share_one_error_handling() throws IOException {
        for (Path file : FILES) {
            String text = Files.readString(file);
            assertThat(text).as(file.toString()).doesNotContain("bean:type:", "#class:", "io.offlineworkerreaper");
        }
        // call-etcd and post-to-slack say their own error handler, on purpose: their failures go back to the caller
        assertThat(ROUTE_DEFINITIONS).filteredOn(d -> d.containsKey("from") && !d.containsKey("errorHandler"))
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.get("routeConfigurationId")).as(String.valueOf(d.get("id")))
                        .isEqualTo("handle-errors"));
    }

    /**
     * A Simple comparison that is false prints both of its sides (Camel builds the message whether or not anyone
     * reads it): on a property holding the whole cluster, 5,000 pods or 10,000 registrations as text every cycle.
     * Those properties are tested by bean methods, never compared.
     */
    @Test
    void should_never_compare_a_property_that_holds_the_whole_cluster() throws IOException {
        Pattern compared = Pattern.compile("\\$\\{exchangeProperty\\.(workerPodList|podIdentities|authorized|heartbeats|"
                + "allAuthorized|matching|nodes|notReadyNodes|workerPods|namespacePods)}\\s*(==|!=|<|>|contains|in |regex)");
        for (Path file : FILES) {
            assertThat(compared.matcher(Files.readString(file)).find()).as(file.toString()).isFalse();
        }
    }
}
