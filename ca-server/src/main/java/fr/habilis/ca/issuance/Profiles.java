package fr.habilis.ca.issuance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ten profiles, read once from {@code /issuance/profiles.json}: the single place where a
 * product's CA, subject, usages and SANs are defined. Loading fails loudly on any inconsistency
 * (missing product, unknown usage) rather than issuing a wrong certificate later.
 */
public final class Profiles {
  private static final String RESOURCE = "/issuance/profiles.json";
  private static final Map<String, Profile> BY_NAME = load();

  private Profiles() {}

  /** The profile called {@code name} ({@code "SERV_SSL"}), or null if there is none. */
  public static Profile get(String name) {
    return name == null ? null : BY_NAME.get(name);
  }

  public static Profile get(ProfileName name) {
    return BY_NAME.get(name.name());
  }

  /** All profiles in {@link ProfileName} order. */
  public static Collection<Profile> all() {
    return BY_NAME.values();
  }

  private static Map<String, Profile> load() {
    try (InputStream in = Profiles.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      JsonNode root = new ObjectMapper().readTree(in);
      EnumMap<ProfileName, Profile> parsed = new EnumMap<>(ProfileName.class);
      for (JsonNode node : root.required("profiles")) {
        Profile p = parse(node);
        if (parsed.put(p.name(), p) != null) throw new IllegalStateException("profile " + p.name() + " defined twice");
      }
      for (ProfileName n : ProfileName.values()) {
        if (!parsed.containsKey(n)) throw new IllegalStateException("profile " + n + " is not defined in " + RESOURCE);
      }
      Map<String, Profile> byName = new LinkedHashMap<>();
      parsed.forEach((n, p) -> byName.put(n.name(), p));
      return Collections.unmodifiableMap(byName);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static Profile parse(JsonNode n) {
    ProfileName name = ProfileName.valueOf(n.required("name").asText());
    String ca = n.required("ca").asText();
    if (!ca.equals("org") && !ca.equals("pro")) throw new IllegalStateException(name + ": unknown CA " + ca);
    Map<Profile.KeyAlgorithm, Set<Profile.KeyUsageBit>> ku = new EnumMap<>(Profile.KeyAlgorithm.class);
    for (Profile.KeyAlgorithm alg : Profile.KeyAlgorithm.values()) {
      Set<Profile.KeyUsageBit> bits = enums(n.required("keyUsage").required(alg.name()), Profile.KeyUsageBit.class);
      if (bits.isEmpty()) throw new IllegalStateException(name + ": empty keyUsage for " + alg);
      ku.put(alg, bits);
    }
    JsonNode validity = n.path("validity");
    return new Profile(
        name,
        n.required("offer").asText(),
        ca,
        n.path("description").asText(""),
        new ArrayList<>(enums(n.required("subject"), Profile.SubjectAttribute.class)),
        Profile.CommonName.valueOf(n.required("commonName").asText()),
        ku,
        new ArrayList<>(enums(n.required("extendedKeyUsage"), Profile.ExtendedKeyUsage.class)),
        enums(n.required("san"), Profile.SanKind.class),
        validity.isNull() || validity.isMissingNode() ? null : fr.habilis.ca.config.Setting.parseLifetime(validity.asText()));
  }

  /** Enum constants from a JSON array of their names, in the array's order (the DN order matters). */
  private static <E extends Enum<E>> Set<E> enums(JsonNode array, Class<E> type) {
    Set<E> out = new LinkedHashSet<>();
    List<String> seen = new ArrayList<>();
    for (JsonNode v : array) {
      seen.add(v.asText());
      out.add(Enum.valueOf(type, v.asText()));
    }
    if (seen.size() != out.size()) throw new IllegalStateException("duplicate value in " + seen);
    return out;
  }
}
