package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart rendered by real Helm ({@code helm template}, embedded by helm-java) and read back as
 * Kubernetes API objects. Reading is strict: a field the API type does not have (a typo, a wrong
 * level of indentation) fails, because fabric8's types would otherwise keep it silently in their
 * {@code additionalProperties}.
 */
final class RenderedChart {

    static final Path CHART = Path.of("helm/nundb");
    static final String RELEASE = "db";
    static final String NAMESPACE = "data";
    /** A current Kubernetes (Helm would assume 1.20 without a cluster, below the chart's kubeVersion). */
    static final String KUBE_VERSION = "1.31.0";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "StatefulSet", StatefulSet.class,
            "Service", Service.class,
            "Secret", Secret.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "Pod", Pod.class);

    static final String HOOK_PREFIX = "helm.sh/hook";
    static final String UNHOOKED_PREFIX = "unhooked.nundb.io/hook";

    final List<HasMetadata> objects = new ArrayList<>();
    final List<Map<String, Object>> untyped = new ArrayList<>();

    /**
     * {@code helm template db helm/nundb -n data --set k=v …}. helm-java's template returns the
     * release manifest only, without the hooks the helm CLI appends, so the chart is rendered from a
     * copy whose {@code helm test} hooks are renamed into ordinary annotations: the test Pod is then
     * rendered and checked like every other object (HelmChartTest checks the hook annotation in the
     * template's source).
     */
    static RenderedChart render(Map<String, Object> values) {
        Path copy = copyWithHooksAsManifests();
        try {
            TemplateCommand template = new Helm(copy)
                    .template()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION);
            values.forEach(template::set);
            return new RenderedChart(template.call());
        } finally {
            FileSystemUtils.deleteRecursively(copy.toFile());
        }
    }

    private static Path copyWithHooksAsManifests() {
        try {
            Files.createDirectories(Path.of("target/helm-test"));
            Path copy = Files.createTempDirectory(Path.of("target/helm-test"), "chart");
            FileSystemUtils.copyRecursively(CHART, copy);
            try (Stream<Path> tests = Files.list(copy.resolve("templates/tests"))) {
                for (Path t : tests.toList()) {
                    Files.writeString(t, Files.readString(t).replace(HOOK_PREFIX, UNHOOKED_PREFIX));
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private RenderedChart(String manifests) {
        for (Object doc : new Yaml().loadAll(manifests)) {
            if (doc == null) {
                continue;
            }
            Map<String, Object> map = (Map<String, Object>) doc;
            Class<? extends HasMetadata> type = TYPES.get((String) map.get("kind"));
            if (type == null) {
                untyped.add(map);
                continue;
            }
            HasMetadata object = MAPPER.convertValue(map, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(object, map.get("kind").toString(), unknown);
            assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
            objects.add(object);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    Service service(String name) {
        return all(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + name));
    }

    /** Walks the fabric8 object graph: every additionalProperties map must be empty. */
    private static void unknownFields(Object o, String path, List<String> unknown) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3))
                        + getter.getName().substring(4);
                unknownFields(value, path + "." + field, unknown);
            }
        }
    }
}
