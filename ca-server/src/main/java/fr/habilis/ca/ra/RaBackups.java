package fr.habilis.ca.ra;

import fr.habilis.ca.ServerContext;
import fr.habilis.ca.backup.Backups;
import io.vertx.ext.web.Router;

/** {@code POST /ra/v1/backups}: an online backup of the embedded database, for the operator's schedule (cron). */
final class RaBackups {
  private final Backups backups;

  RaBackups(ServerContext ctx) {
    this.backups = new Backups(ctx);
  }

  void mount(Router router) {
    router.post("/ra/v1/backups").handler(rc -> {
      RaApi.body(rc);
      RaApi.reply(rc, 201, backups.take(RaAuth.actor(rc)).map(t -> t.manifest().toJson()
          .put("directory", t.directory().toString())));
    });
  }
}
