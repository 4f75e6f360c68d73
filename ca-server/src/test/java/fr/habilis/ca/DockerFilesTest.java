package fr.habilis.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import fr.habilis.ca.config.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void composeFileParsesAndItsBuildsAndBindMountsExist() throws Exception {
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile());
    JsonNode services = compose.path("services");
    assertTrue(services.isObject() && services.size() > 0, "compose.yaml declares services");
    int builds = 0;
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      JsonNode build = service.getValue().path("build");
      if (!build.isMissingNode()) {
        Path context = DOCKER.resolve(build.isTextual() ? build.asText() : build.path("context").asText(".")).normalize();
        assertTrue(Files.isDirectory(context), service.getKey() + ": build context " + context);
        Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
        assertTrue(Files.isRegularFile(dockerfile), service.getKey() + ": " + dockerfile);
        builds++;
      }
      for (JsonNode volume : service.getValue().path("volumes")) {
        String source = volume.isTextual() ? volume.asText().split(":")[0] : volume.path("source").asText("");
        if (source.startsWith(".") || source.startsWith("/")) {
          assertTrue(Files.exists(DOCKER.resolve(source)), service.getKey() + ": bind mount " + source);
        } else if (!source.isEmpty()) {
          assertTrue(compose.path("volumes").has(source), service.getKey() + ": named volume " + source + " is declared");
        }
      }
    }
    assertTrue(builds > 0, "compose.yaml builds the image");
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
