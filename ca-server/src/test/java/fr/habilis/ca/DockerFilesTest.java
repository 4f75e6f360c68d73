package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.habilis.ca.config.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker/ without a container engine (none runs on the build machines):
 * compose.yaml parses and names files that exist; the Dockerfile copies files that exist, hides no
 * failed command, runs as a non-root user and probes the readiness endpoint the server serves.
 */
class DockerFilesTest {
  /** Surefire runs in the module directory; the repository root is its parent. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOCKER = ROOT.resolve("docker");

  /** compose.yaml with its anchors and merge keys resolved, as docker compose reads it. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> compose() throws Exception {
    return new org.yaml.snakeyaml.Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeFileParsesAndItsBuildsAndBindMountsExist() throws Exception {
    Map<String, Object> compose = compose();
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertTrue(services != null && !services.isEmpty(), "compose.yaml declares services");
    Map<String, Object> volumes = (Map<String, Object>) compose.getOrDefault("volumes", Map.of());
    int builds = 0;
    for (var service : services.entrySet()) {
      Object build = service.getValue().get("build");
      if (build != null) {
        Map<String, Object> b = build instanceof String ctx ? Map.of("context", ctx) : (Map<String, Object>) build;
        Path context = DOCKER.resolve((String) b.getOrDefault("context", ".")).normalize();
        assertTrue(Files.isDirectory(context), service.getKey() + ": build context " + context);
        Path dockerfile = context.resolve((String) b.getOrDefault("dockerfile", "Dockerfile"));
        assertTrue(Files.isRegularFile(dockerfile), service.getKey() + ": " + dockerfile);
        builds++;
      }
      for (Object volume : (List<Object>) service.getValue().getOrDefault("volumes", List.of())) {
        String source = volume instanceof String v ? v.split(":")[0] : (String) ((Map<String, Object>) volume).getOrDefault("source", "");
        if (source.startsWith(".") || source.startsWith("/")) {
          assertTrue(Files.exists(DOCKER.resolve(source)), service.getKey() + ": bind mount " + source);
        } else if (!source.isEmpty()) {
          assertTrue(volumes.containsKey(source), service.getKey() + ": named volume " + source + " is declared");
        }
      }
      Object deps = service.getValue().get("depends_on");
      Iterable<String> names = deps instanceof Map<?, ?> m ? (Iterable<String>) m.keySet() : deps == null ? List.of() : (List<String>) deps;
      for (String dep : names) assertTrue(services.containsKey(dep), service.getKey() + " depends on unknown " + dep);
    }
    assertTrue(builds >= 2, "compose.yaml runs at least two Habilis instances built from the image");
  }

  /** Every HABILIS_* variable the compose file sets is a setting the server knows (else it warns or stops). */
  @Test
  @SuppressWarnings("unchecked")
  void composeSetsOnlyKnownSettings() throws Exception {
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose().get("services");
    int seen = 0;
    for (var service : services.entrySet()) {
      Object env = service.getValue().get("environment");
      if (!(env instanceof Map<?, ?> vars)) continue;
      for (Object name : vars.keySet()) {
        if (!name.toString().startsWith("HABILIS_")) continue;
        assertTrue(fr.habilis.ca.config.Setting.byEnvName(name.toString()) != null, service.getKey() + ": unknown " + name);
        seen++;
      }
    }
    assertTrue(seen > 0);
  }

  /** The proxy's upstreams are compose services, on the ports the image's listeners use. */
  @Test
  @SuppressWarnings("unchecked")
  void proxyUpstreamsAreTheComposeInstances() throws Exception {
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose().get("services");
    String nginx = Files.readString(DOCKER.resolve("nginx.conf"));
    Matcher server = Pattern.compile("\\bserver ([a-z0-9_-]+):(\\d+)").matcher(nginx);
    int upstreams = 0;
    while (server.find()) {
      assertTrue(services.containsKey(server.group(1)), "nginx.conf names unknown service " + server.group(1));
      assertTrue(services.get(server.group(1)).containsKey("build"), server.group(1) + " is a Habilis instance");
      assertTrue(List.of("8443", "8080").contains(server.group(2)), server.group());
      upstreams++;
    }
    assertEquals(4, upstreams, "two instances on each listener");
  }

  @Test
  void dockerfileCopiesExistingFilesAndHidesNoFailure() throws Exception {
    List<String> lines = instructions(Files.readString(DOCKER.resolve("Dockerfile")));
    for (String line : lines) {
      assertFalse(line.matches("(?s).*\\|\\|\\s*true.*"), "a failure hidden by || true: " + line);
      if (line.startsWith("COPY ") && !line.contains("--from=")) {
        String[] parts = line.substring(5).trim().split("\\s+");
        for (int i = 0; i < parts.length - 1; i++) {
          if (parts[i].startsWith("--")) continue;
          assertTrue(Files.exists(ROOT.resolve(parts[i])), "COPY source " + parts[i] + " exists in the build context");
        }
      }
    }
  }

  @Test
  void imageRunsAsNonRootAndProbesReadiness() throws Exception {
    List<String> lines = instructions(Files.readString(DOCKER.resolve("Dockerfile")));
    List<String> finalStage = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("FROM ")) finalStage.clear();
      finalStage.add(line);
    }
    String user = finalStage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
    String who = user.substring(5).trim().split(":")[0];
    assertFalse(who.equals("root") || who.equals("0"), user);

    String healthcheck = finalStage.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElse("");
    String path = new Endpoints("https://h", "http://h").healthUrl().substring("http://h".length());
    assertTrue(healthcheck.contains("curl -fsS") && healthcheck.contains(":${HABILIS_HTTP_PORT}" + path + "\""), healthcheck);

    // The jar the entrypoint runs is the one copied from the build stage.
    Matcher copied = Pattern.compile("COPY --from=build \\S+ (\\S+)").matcher(String.join("\n", finalStage));
    assertTrue(copied.find());
    String entrypoint = finalStage.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElse("");
    assertTrue(entrypoint.contains("\"" + copied.group(1) + "\""), entrypoint);
  }

  /** Instructions with their continuation lines joined, comments and blank lines dropped. */
  static List<String> instructions(String dockerfile) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : dockerfile.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || line.isEmpty()) continue;
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(current.toString().replaceAll("\\s+", " "));
      current.setLength(0);
    }
    assertEquals(0, current.length(), "the Dockerfile ends inside a continued line");
    return out;
  }
}
