package fr.habilis.client.internal;

import fr.habilis.client.AcmeProblem;
import java.util.ArrayList;
import java.util.List;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.toolbox.JSON;

/** Turns acme4j's problem documents into the SDK's {@link AcmeProblem}, keeping Habilis's {@code reason}. */
public final class Problems {
  private Problems() {}

  public static AcmeProblem of(Problem p) {
    JSON json = p.asJSON();
    int status = json.get("status").optional().map(v -> v.asInt()).orElse(0);
    String reason = json.get("reason").optional().map(v -> v.asString()).orElse(null);
    Identifier id = p.getIdentifier().orElse(null);
    List<AcmeProblem> subs = new ArrayList<>();
    for (Problem sub : p.getSubProblems()) subs.add(of(sub));
    return new AcmeProblem(p.getType().toString(), status, p.getDetail().orElse(null),
        id == null ? null : id.getType(), id == null ? null : id.getValue(), reason, subs);
  }
}
