package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, by real Helm (helm-java embeds it: no install step): {@code helm lint --strict},
 * and {@code helm template} for the default values, one replica, an existing Secret and no
 * persistence, each read back strictly as Kubernetes objects and checked for what a cluster needs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HelmChartTest {

    static final String STS = RenderedChart.RELEASE + "-nundb";
    static final String HEADLESS = STS + "-headless";
    static final Pattern MEMBER = Pattern.compile(Pattern.quote(STS) + "-(\\d+)\\." + Pattern.quote(HEADLESS) + "\\."
            + RenderedChart.NAMESPACE + "\\.svc\\.cluster\\.local:3016");

    /** Volume types the restricted Pod Security Standard allows. */
    static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    record Scenario(String name, Map<String, Object> values, int replicas, String secretName, boolean persistent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                        new Scenario("defaults", Map.of(), 3, STS + "-auth", true),
                        new Scenario("one replica", Map.of("replicaCount", 1), 1, STS + "-auth", true),
                        new Scenario(
                                "existing Secret",
                                Map.of("existingSecret", "my-nundb-secret"),
                                3,
                                "my-nundb-secret",
                                true),
                        new Scenario("no persistence", Map.of("persistence.enabled", false), 3, STS + "-auth", false))
                .map(Arguments::of);
    }

    static FakeKubernetesApi api;

    @BeforeAll
    static void fakeCluster() throws Exception {
        api = new FakeKubernetesApi();
        api.writeKubeconfig();
    }

    @AfterAll
    static void stopFakeCluster() {
        api.close();
    }

    @BeforeEach
    void emptyCluster() {
        api.clear();
    }

    @Test
    void lintStrictPasses() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void rendersAClusterOfStableMembers(Scenario scenario) {
        RenderedChart chart = RenderedChart.render(scenario.values());
        StatefulSet sts = chart.one(StatefulSet.class);
        assertThat(sts.getMetadata().getName()).isEqualTo(STS);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(scenario.replicas());
        assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");

        // the governing Service is headless and publishes members before they are ready
        Service headless = chart.service(sts.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        Map<String, String> podLabels =
                sts.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(headless.getSpec().getSelector());
        assertThat(headless.getSpec().getPorts()).anyMatch(p -> p.getPort() == 3016);

        Service client = chart.service(STS);
        assertThat(client.getSpec().getClusterIP()).isNull();
        assertThat(podLabels).containsAllEntriesOf(client.getSpec().getSelector());
        assertThat(client.getSpec().getPorts().stream().map(p -> p.getPort())).containsExactly(3012, 3013, 3014, 3015);

        Container node = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, EnvVar> env = env(node);
        if (scenario.replicas() > 1) {
            List<Integer> members = new ArrayList<>();
            for (String peer : env.get("NUN_REPLICATE_ADDR").getValue().split(",")) {
                Matcher m = MEMBER.matcher(peer);
                assertThat(m.matches()).as(peer).isTrue();
                members.add(Integer.parseInt(m.group(1)));
            }
            assertThat(members).containsExactly(0, 1, 2);
            // each member names itself by its pod name, which Kubernetes substitutes
            assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.name");
            assertThat(MEMBER.matcher(env.get("NUN_EXTERNAL_ADDR").getValue().replace("$(POD_NAME)", STS + "-1"))
                            .matches())
                    .isTrue();
            assertThat(env.get("NUN_CLUSTER_ADDR").getValue()).isEqualTo("0.0.0.0:3016");
            assertThat(env.get("NUN_CLUSTER_SECRET")
                            .getValueFrom()
                            .getSecretKeyRef()
                            .getName())
                    .isEqualTo(scenario.secretName());
            assertThat(env.get("NUN_REPLICATION_ACK").getValue()).isEqualTo("lazy");
        } else {
            assertThat(env).doesNotContainKeys("NUN_REPLICATE_ADDR", "NUN_CLUSTER_SECRET");
        }
        assertThat(env.get("NUN_PWD").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo(scenario.secretName());

        // the image is the chart's appVersion
        String appVersion = chartYaml().get("appVersion").toString();
        assertThat(node.getImage()).isEqualTo("nundb-jvm:" + appVersion);

        // a changed Secret rolls the pods
        assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/secret"))
                .matches("[0-9a-f]{64}");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void probesGracePeriodAndDisruptionBudgetFitTheNode(Scenario scenario) {
        RenderedChart chart = RenderedChart.render(scenario.values());
        StatefulSet sts = chart.one(StatefulSet.class);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container node = pod.getContainers().get(0);

        assertThat(node.getPorts().stream().filter(p -> p.getName().equals("http")))
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(3013));
        assertThat(node.getPorts().stream().filter(p -> p.getName().equals("cluster")))
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(3016));
        assertHttpProbe(node.getStartupProbe(), "/livez");
        assertHttpProbe(node.getLivenessProbe(), "/livez");
        assertHttpProbe(node.getReadinessProbe(), "/readyz");
        // the startup probe leaves minutes for replaying a large op log
        Probe startup = node.getStartupProbe();
        assertThat(startup.getFailureThreshold() * startup.getPeriodSeconds()).isGreaterThanOrEqualTo(300);

        int snapshotTimeout =
                Integer.parseInt(env(node).get("NUN_SHUTDOWN_SNAPSHOT_TIMEOUT").getValue());
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(snapshotTimeout);

        PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());

        // soft anti-affinity by default
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .hasSize(1);
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .isNullOrEmpty();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyPodMeetsTheRestrictedPodSecurityStandard(Scenario scenario) {
        RenderedChart chart = RenderedChart.render(scenario.values());
        StatefulSet sts = chart.one(StatefulSet.class);
        assertRestricted(sts.getSpec().getTemplate().getSpec());
        Pod test = chart.one(Pod.class);
        assertRestricted(test.getSpec());

        // read-only root, writable /data and /tmp
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Map<String, String> mounts = new TreeMap<>();
        for (VolumeMount m : pod.getContainers().get(0).getVolumeMounts()) {
            mounts.put(m.getMountPath(), m.getName());
        }
        assertThat(mounts).containsEntry("/data", "data").containsEntry("/tmp", "tmp");
        assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();
        if (scenario.persistent()) {
            assertThat(sts.getSpec().getVolumeClaimTemplates())
                    .singleElement()
                    .satisfies(pvc -> assertThat(pvc.getMetadata().getName()).isEqualTo("data"));
            assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("data"));
        } else {
            assertThat(sts.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
            assertThat(volume(pod, "data").getEmptyDir()).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void theSecretHoldsBothKeysOrIsTheOneGiven(Scenario scenario) {
        RenderedChart chart = RenderedChart.render(scenario.values());
        List<Secret> secrets = chart.all(Secret.class);
        if (scenario.secretName().equals("my-nundb-secret")) {
            assertThat(secrets).isEmpty();
            return;
        }
        Secret secret = secrets.get(0);
        assertThat(secrets).hasSize(1);
        assertThat(secret.getMetadata().getName()).isEqualTo(scenario.secretName());
        assertThat(secret.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        assertThat(secret.getData()).containsOnlyKeys("admin-password", "cluster-secret");
        assertThat(decode(secret.getData().get("admin-password"))).hasSize(24).matches("[A-Za-z0-9]+");
        assertThat(decode(secret.getData().get("cluster-secret"))).hasSize(40);
    }

    @Test
    void aGeneratedSecretIsKeptAcrossUpgradesAndTheChecksumIsOfWhatThePodsGet() throws Exception {
        RenderedChart install = RenderedChart.render(Map.of());
        Map<String, String> generated = install.one(Secret.class).getData();
        assertThat(checksum(install)).isEqualTo(sha256Json(generated));
        assertThat(api.requests).contains("GET /api/v1/namespaces/data/secrets/" + STS + "-auth");

        // upgrade: the Secret is in the cluster now, so the chart keeps its values and the pods do not roll
        api.secret(RenderedChart.NAMESPACE, STS + "-auth", generated);
        RenderedChart upgrade = RenderedChart.render(Map.of("replicaCount", 5));
        assertThat(upgrade.one(Secret.class).getData()).isEqualTo(generated);
        assertThat(checksum(upgrade)).isEqualTo(checksum(install));

        // a password given on upgrade replaces the kept one and rolls the pods
        RenderedChart changed = RenderedChart.render(Map.of("admin.password", "new-pwd"));
        assertThat(decode(changed.one(Secret.class).getData().get("admin-password")))
                .isEqualTo("new-pwd");
        assertThat(changed.one(Secret.class).getData().get("cluster-secret"))
                .isEqualTo(generated.get("cluster-secret"));
        assertThat(checksum(changed)).isNotEqualTo(checksum(install));
    }

    @Test
    void aChangedExistingSecretRollsThePods() {
        Map<String, Object> values = Map.of("existingSecret", "my-nundb-secret");
        api.secret(RenderedChart.NAMESPACE, "my-nundb-secret", Map.of("admin-password", encode("one")));
        String first = checksum(RenderedChart.render(values));
        assertThat(checksum(RenderedChart.render(values))).isEqualTo(first);
        api.secret(RenderedChart.NAMESPACE, "my-nundb-secret", Map.of("admin-password", encode("two")));
        assertThat(checksum(RenderedChart.render(values))).isNotEqualTo(first);
    }

    @Test
    void givenPasswordsAreUsedAndTheChecksumFollowsThem() {
        RenderedChart a = RenderedChart.render(Map.of("admin.password", "pw-one", "cluster.secret", "s1"));
        RenderedChart b = RenderedChart.render(Map.of("admin.password", "pw-two", "cluster.secret", "s1"));
        RenderedChart a2 = RenderedChart.render(Map.of("admin.password", "pw-one", "cluster.secret", "s1"));
        assertThat(decode(a.one(Secret.class).getData().get("admin-password"))).isEqualTo("pw-one");
        assertThat(decode(a.one(Secret.class).getData().get("cluster-secret"))).isEqualTo("s1");
        assertThat(checksum(a)).isNotEqualTo(checksum(b)).isEqualTo(checksum(a2));
    }

    @Test
    void theTestHookWritesOnOneMemberAndReadsOnAnother() throws Exception {
        Pod test = RenderedChart.render(Map.of()).one(Pod.class);
        assertThat(test.getMetadata().getAnnotations())
                .containsEntry(RenderedChart.UNHOOKED_PREFIX, "test")
                .containsEntry(RenderedChart.UNHOOKED_PREFIX + "-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(Files.readString(RenderedChart.CHART.resolve("templates/tests/write-read.yaml")))
                .contains(RenderedChart.HOOK_PREFIX + ": test");
        assertThat(test.getSpec().getRestartPolicy()).isEqualTo("Never");
        Container write = test.getSpec().getInitContainers().get(0);
        Container read = test.getSpec().getContainers().get(0);
        assertThat(write.getArgs()).contains("http://" + member(0) + ":3013");
        assertThat(read.getArgs()).contains("http://" + member(1) + ":3013");
        assertThat(write.getArgs().get(write.getArgs().size() - 1)).contains("set probe written-$(RUN_ID)");
        assertThat(read.getArgs()).contains("--expect", "value written-$(RUN_ID)");

        Pod single = RenderedChart.render(Map.of("replicaCount", 1)).one(Pod.class);
        assertThat(single.getSpec().getContainers().get(0).getArgs()).contains("http://" + member(0) + ":3013");
    }

    @Test
    void anOptionalServiceMonitorScrapesEveryMemberOnce() {
        assertThat(RenderedChart.render(Map.of()).untyped).isEmpty();
        RenderedChart chart = RenderedChart.render(Map.of("serviceMonitor.enabled", true));
        assertThat(chart.untyped).singleElement().satisfies(monitor -> {
            assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
            assertThat(monitor.get("kind")).isEqualTo("ServiceMonitor");
            assertThat(monitor.toString()).contains("port=http").contains("path=/actuator/prometheus");
        });
        // it selects the headless Service only, so each member is one target
        @SuppressWarnings("unchecked")
        Map<String, String> selector = (Map<String, String>) ((Map<String, Object>)
                        ((Map<String, Object>) chart.untyped.get(0).get("spec")).get("selector"))
                .get("matchLabels");
        assertThat(chart.service(HEADLESS).getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(chart.service(STS).getMetadata().getLabels())
                .doesNotContainEntry("app.kubernetes.io/component", selector.get("app.kubernetes.io/component"));
    }

    @Test
    void badValuesAreRefusedBeforeAnythingIsRendered() {
        assertThatThrownBy(() -> RenderedChart.render(Map.of("terminationGracePeriodSeconds", 30)))
                .hasMessageContaining("terminationGracePeriodSeconds must be above shutdownSnapshotTimeoutSeconds");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("replicaCount", 0)))
                .hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("env.NUN_PWD", "x")))
                .hasMessageContaining("env");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("cluster.replicationAck", "eventually")))
                .hasMessageContaining("replicationAck");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("replicaCont", 3))).hasMessageContaining("replicaCont");
    }

    @Test
    void hardAntiAffinityAndATagOverride() {
        StatefulSet sts = RenderedChart.render(Map.of("podAntiAffinity", "hard", "image.tag", "custom"))
                .one(StatefulSet.class);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("nundb-jvm:custom");
    }

    private static void assertRestricted(PodSpec pod) {
        PodSecurityContext podContext = pod.getSecurityContext();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isNotZero();
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        for (Volume v : pod.getVolumes()) {
            assertThat(volumeTypes(v)).as(v.getName()).isSubsetOf(RESTRICTED_VOLUMES);
        }
        List<Container> containers = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        for (Container c : containers) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc).as(c.getName()).isNotNull();
            assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(sc.getCapabilities().getDrop()).contains("ALL");
            assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(sc.getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
            assertThat(sc.getRunAsUser()).isNotEqualTo(0L);
            assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
            assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
        }
    }

    /** The volume sources a volume sets (hostPath, emptyDir, …). */
    @SuppressWarnings("unchecked")
    private static Set<String> volumeTypes(Volume v) {
        Map<String, Object> map = new Yaml()
                .load(new Yaml().dump(new tools.jackson.databind.json.JsonMapper().convertValue(v, Map.class)));
        map.remove("name");
        return map.keySet();
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get.getPath()).isEqualTo(path);
        assertThat(get.getPort().getStrVal()).isEqualTo("http");
    }

    private static Map<String, EnvVar> env(Container c) {
        Map<String, EnvVar> env = new TreeMap<>();
        for (EnvVar e : c.getEnv()) {
            assertThat(env.put(e.getName(), e)).as("duplicate " + e.getName()).isNull();
        }
        return env;
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String member(int i) {
        return STS + "-" + i + "." + HEADLESS + "." + RenderedChart.NAMESPACE + ".svc.cluster.local";
    }

    private static String checksum(RenderedChart chart) {
        return chart.one(StatefulSet.class)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/secret");
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** sha256 of Go's toJson of a string map (keys sorted, no spaces), as the chart computes it. */
    private static String sha256Json(Map<String, String> data) throws Exception {
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(data)
                .forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                        .append('"')
                        .append(k)
                        .append("\":\"")
                        .append(v)
                        .append('"'));
        json.append('}');
        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> chartYaml() {
        try {
            return new Yaml().load(Files.readString(RenderedChart.CHART.resolve("Chart.yaml")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
