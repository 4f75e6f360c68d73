package fr.habilis.ca.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Malformed variants of valid inputs, drawn from one seeded {@link Random} so that a failing run
 * is replayed exactly with its seed: byte flips, truncations, insertions, and JSON-aware changes
 * (wrong types, huge numbers, duplicate members, missing and extra members, deep nesting).
 */
final class Mutator {
  final Random random;

  Mutator(long seed) {
    this.random = new Random(seed);
  }

  <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  /** A byte-level mutation of {@code valid}: never the same bytes (unless it is empty). */
  byte[] bytes(byte[] valid) {
    byte[] b = valid.clone();
    switch (random.nextInt(7)) {
      case 0 -> { // flip 1 to 4 bits
        if (b.length == 0) return new byte[] {0};
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
      }
      case 1 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length)); // truncate
      case 2 -> { // insert random bytes
        int at = random.nextInt(b.length + 1);
        byte[] extra = new byte[1 + random.nextInt(8)];
        random.nextBytes(extra);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        b = out;
      }
      case 3 -> { // overwrite a byte with an ASN.1/JSON-significant value
        if (b.length == 0) return new byte[] {(byte) 0x30};
        byte[] special = {0x00, (byte) 0x80, (byte) 0x81, (byte) 0x84, (byte) 0xff, 0x7f, 0x30, 0x02, 0x05, '"', '{', '}', ',', '\\'};
        b[random.nextInt(b.length)] = special[random.nextInt(special.length)];
      }
      case 4 -> { // append trailing bytes
        b = Arrays.copyOf(b, b.length + 1 + random.nextInt(4));
      }
      case 5 -> { // duplicate a slice
        if (b.length < 2) return Arrays.copyOf(b, b.length + 1);
        int from = random.nextInt(b.length - 1);
        int to = from + 1 + random.nextInt(Math.min(16, b.length - from - 1) + 1);
        byte[] slice = Arrays.copyOfRange(b, from, Math.min(to, b.length));
        byte[] out = Arrays.copyOf(b, b.length + slice.length);
        System.arraycopy(slice, 0, out, b.length, slice.length);
        System.arraycopy(b, from, out, from + slice.length, b.length - from);
        System.arraycopy(slice, 0, out, from, slice.length);
        b = out;
      }
      default -> { // random garbage of a similar length
        b = new byte[random.nextInt(Math.max(1, b.length) + 1)];
        random.nextBytes(b);
      }
    }
    return b;
  }

  String text(String valid) {
    return new String(bytes(valid.getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1);
  }

  /** A JSON value of any type, sometimes extreme. */
  Object anyValue() {
    return switch (random.nextInt(14)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt();
      case 3 -> Long.MIN_VALUE;
      case 4 -> 1e308 * 10; // Infinity once encoded? Vert.x writes it as a string; still a wrong type
      case 5 -> new java.math.BigInteger(300, random);
      case 6 -> "";
      case 7 -> "x".repeat(1 + random.nextInt(5000));
      case 8 -> new JsonArray().add(random.nextInt()).add("a");
      case 9 -> new JsonObject().put("type", "dns").put("value", random.nextInt());
      case 10 -> "\u0000\u202e\ud83d\ude00";
      case 11 -> -0.0;
      case 12 -> new JsonArray();
      default -> new JsonObject();
    };
  }

  /**
   * A JSON-aware mutation of an object: a member removed, retyped or added, nested deeply, or the
   * text made to repeat a member name (strict parsers refuse it).
   */
  String json(JsonObject valid) {
    JsonObject o = valid.copy();
    List<String> names = new ArrayList<>(o.fieldNames());
    String name = names.isEmpty() ? "x" : pick(names);
    switch (random.nextInt(9)) {
      case 0 -> o.remove(name);
      case 1 -> o.put(name, anyValue());
      case 2 -> o.put("unexpected" + random.nextInt(3), anyValue());
      case 3 -> { // duplicate member name, textually
        String text = o.encode();
        return text.substring(0, text.length() - 1) + (o.isEmpty() ? "" : ",") + "\"" + name + "\":" + JsonArray.of(anyValue()).encode()
            .replaceAll("^\\[|\\]$", "") + "}";
      }
      case 4 -> { // deep nesting
        int depth = 200 + random.nextInt(5000);
        return "{\"" + name + "\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      }
      case 5 -> { // a nested member retyped
        if (o.getValue(name) instanceof JsonObject inner && !inner.isEmpty()) {
          String n = pick(new ArrayList<>(inner.fieldNames()));
          inner.put(n, anyValue());
        } else if (o.getValue(name) instanceof JsonArray a && !a.isEmpty()) {
          a.set(random.nextInt(a.size()), anyValue());
        } else {
          o.put(name, anyValue());
        }
      }
      case 6 -> { // huge number literal
        return o.encode().replaceFirst("\\{", "{\"n\":" + "9".repeat(1 + random.nextInt(400)) + (random.nextBoolean() ? "e999999" : "") + ",");
      }
      case 7 -> { // not an object at all
        return pick(List.of("[]", "null", "42", "\"str\"", "true", "{", "}", "{\"a\"}", "", " ", "{\"a\":1,}", "\ufeff{}"));
      }
      default -> {
        return text(o.encode());
      }
    }
    return o.encode();
  }

  /** A base64url string made wrong: padded, standard alphabet, with junk, empty, or cut. */
  String base64url(byte[] valid) {
    String good = Base64.getUrlEncoder().withoutPadding().encodeToString(valid);
    return switch (random.nextInt(6)) {
      case 0 -> Base64.getUrlEncoder().encodeToString(valid) + "==";
      case 1 -> Base64.getEncoder().encodeToString(valid);
      case 2 -> good.isEmpty() ? "!" : good.substring(0, random.nextInt(good.length())) + pick(List.of("!", " ", "=", ".", "\n", "%", "é"));
      case 3 -> "";
      case 4 -> good.substring(0, Math.max(0, good.length() - 1 - random.nextInt(Math.max(1, Math.min(3, good.length())))));
      default -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(valid));
    };
  }
}
