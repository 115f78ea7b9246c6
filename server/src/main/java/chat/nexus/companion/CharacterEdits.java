package chat.nexus.companion;

import chat.nexus.errors.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Map;

/**
 * What owners do with their characters: replace or edit the card, change who sees it, change its
 * picture, delete it; and what anyone who may see a character does with it: duplicate it (the copy
 * is theirs, private) and export it. Only the owner, or an admin, changes a character; someone who
 * may see it but does not own it is refused with FORBIDDEN, anyone else gets NOT_FOUND, as for a
 * character that does not exist. Parsing runs on the import pool, the store on the database pool.
 */
final class CharacterEdits {

  /** Who asks: a signed-in user, or the admin (HTTP Basic with the admin's credentials). */
  record Caller(String userId, boolean admin) {
    static Caller user(String userId) {
      return new Caller(userId, false);
    }

    static Caller administrator() {
      return new Caller(null, true);
    }
  }

  /** What an export is: its bytes, their type and a file name. */
  record Export(Buffer bytes, String contentType, String fileName) {}

  /** Appended to a duplicate's name. */
  static final String COPY_SUFFIX = " (copy)";

  private final Characters characters;

  CharacterEdits(Characters characters) {
    this.characters = characters;
  }

  /** PUT: the card replaced by the one in the body (JSON V1, V2 or V3); the picture stays. */
  Future<Buffer> replace(String id, Caller caller, byte[] body) {
    return changeable(id, caller)
        .compose(
            found ->
                characters
                    .imports()
                    .run(() -> CharacterCard.parse(body, "the card"))
                    .compose(card -> save(withCard(found, card))));
  }

  /**
   * PATCH {@code {visibility?, data?}}: the fields of {@code data} put into the card's data (null
   * removes one), checked as an import; the visibility changed.
   */
  Future<Buffer> edit(String id, Caller caller, JsonObject patch) {
    StoredCharacter.Visibility visibility = visibilityOf(patch.getValue("visibility"), null);
    Object data = patch.getValue("data");
    if (data != null && !(data instanceof JsonObject)) {
      throw ApiException.badRequest("data must be an object of card fields");
    }
    if (visibility == null && data == null) {
      throw ApiException.badRequest("send visibility, data (card fields) or both");
    }
    return changeable(id, caller)
        .compose(found -> characters.imports().run(() -> edited(found, data, visibility)))
        .compose(edited -> characters.blocking().run(() -> saveEdit(edited, data, visibility)))
        .map(this::answer);
  }

  /** The character with the patch's fields and visibility (null: unchanged). */
  private static StoredCharacter edited(
      StoredCharacter found, Object data, StoredCharacter.Visibility visibility) {
    StoredCharacter edited =
        data == null ? found : withCard(found, merged(found.card(), (JsonObject) data));
    return visibility == null ? edited : withVisibility(edited, visibility);
  }

  private StoredCharacter saveEdit(
      StoredCharacter edited, Object data, StoredCharacter.Visibility visibility)
      throws SQLException {
    if (data != null) {
      characters.store().replaceCard(edited);
    }
    if (visibility != null) {
      characters.store().setVisibility(edited.id(), visibility);
    }
    return edited;
  }

  /** The picture replaced by a PNG (checked as an import's; the card stays as it is). */
  Future<Buffer> picture(String id, Caller caller, byte[] png) {
    return changeable(id, caller)
        .compose(
            found ->
                characters
                    .imports()
                    .run(() -> CardUpload.withPicture(found.card(), checkedPng(png)))
                    .compose(upload -> characters.blocking().run(() -> savePicture(found, upload))))
        .map(this::answer);
  }

  private StoredCharacter savePicture(StoredCharacter found, CardUpload upload)
      throws SQLException {
    StoredCharacter result = withAvatar(found);
    characters.store().replaceAvatar(result, upload.png(), upload.thumbnail());
    return result;
  }

  /** Deletes the character: gone for everyone, but kept for the conversations had with it. */
  Future<Buffer> delete(String id, Caller caller) {
    return changeable(id, caller)
        .compose(found -> characters.blocking().run(() -> deleted(id)))
        .map(
            v -> {
              characters.changed(id);
              return Buffer.buffer("{\"ok\":true}");
            });
  }

  private Void deleted(String id) throws SQLException {
    characters.store().markDeleted(id);
    return null;
  }

  /** A copy of a character the caller may see, theirs and private; the bytes of the 201 answer. */
  Future<Buffer> duplicate(String id, String userId) {
    return characters
        .visible(id, userId)
        .compose(
            found ->
                characters
                    .blocking()
                    .run(() -> copy(found.character(), userId))
                    .map(characters::created));
  }

  private Characters.Loaded copy(StoredCharacter original, String userId) throws SQLException {
    JsonObject card = original.card().toJson();
    JsonObject data = card.getJsonObject("data");
    String name = data.getString("name");
    if (name.length() + COPY_SUFFIX.length() <= CharacterCard.MAX_NAME) {
      data.put("name", name + COPY_SUFFIX);
    }
    byte[] png = characters.store().avatar(original.id()).orElse(null);
    byte[] thumbnail =
        png == null
            ? null
            : characters.store().thumbnail(original.id()).map(r -> r.thumbnail()).orElse(null);
    return characters.insert(
        new CardUpload(CharacterCard.stored(card.encode()), png, thumbnail),
        userId,
        StoredCharacter.Visibility.PRIVATE);
  }

  /**
   * The card of a character the caller may see: {@code json}, the V3 card; {@code png}, its picture
   * (or a placeholder) carrying the card as V2 ({@code chara}) and V3 ({@code ccv3}).
   */
  Future<Export> export(String id, String userId, String format) {
    boolean png = "png".equals(format);
    if (!png && !"json".equals(format)) {
      throw ApiException.badRequest("format must be png or json");
    }
    return characters
        .visible(id, userId)
        .compose(
            found -> {
              CharacterCard card = found.character().card();
              String file = fileName(card.name()) + (png ? ".png" : ".json");
              if (!png) {
                return characters
                    .imports()
                    .run(
                        () ->
                            new Export(
                                Buffer.buffer(CardFormats.v3(card).encodePrettily()),
                                "application/json",
                                file));
              }
              return characters
                  .blocking()
                  .run(() -> characters.store().avatar(id))
                  .compose(
                      picture ->
                          characters
                              .imports()
                              .run(
                                  () ->
                                      new Export(
                                          Buffer.buffer(
                                              PngCard.withCards(
                                                  picture.orElseGet(
                                                      () -> Avatar.placeholder(card.name())),
                                                  CardFormats.v2(card),
                                                  CardFormats.v3(card))),
                                          "image/png",
                                          file)));
            });
  }

  /** A file name of plain characters (the name's letters and digits), never empty. */
  static String fileName(String name) {
    String plain = name.replaceAll("[^A-Za-z0-9 _-]", "").strip().replace(' ', '_');
    return plain.isEmpty() ? "character" : CharacterSummary.cut(plain, 60).replace("…", "");
  }

  /**
   * A character the caller may change: NOT_FOUND when they may not even see it, FORBIDDEN when they
   * see it but it is not theirs.
   */
  private Future<StoredCharacter> changeable(String id, Caller caller) {
    return characters
        .loaded(id)
        .compose(
            found -> {
              StoredCharacter c = found.character();
              if (c.deleted() || (!caller.admin() && !c.visibleTo(caller.userId()))) {
                return Future.failedFuture(Characters.notFound(id));
              }
              if (!caller.admin() && !c.ownedBy(caller.userId())) {
                return Future.failedFuture(
                    ApiException.forbidden("only its owner may change this character"));
              }
              return Future.succeededFuture(c);
            });
  }

  private Future<Buffer> save(StoredCharacter character) {
    return characters
        .blocking()
        .run(
            () -> {
              characters.store().replaceCard(character);
              return character;
            })
        .map(this::answer);
  }

  private Buffer answer(StoredCharacter changed) {
    characters.changed(changed.id());
    return Buffer.buffer(changed.responseJson());
  }

  /** The card with the patch's fields in its data, checked as an import. */
  static CharacterCard merged(CharacterCard card, JsonObject fields) {
    JsonObject json = card.toJson();
    JsonObject data = json.getJsonObject("data");
    for (Map.Entry<String, Object> field : fields) {
      if (field.getValue() == null) {
        data.remove(field.getKey());
      } else {
        data.put(field.getKey(), field.getValue());
      }
    }
    return CharacterCard.parse(json.encode(), "the edited card");
  }

  /** A visibility from a request, or {@code absent} when it names none; BAD_REQUEST when wrong. */
  static StoredCharacter.Visibility visibilityOf(Object value, StoredCharacter.Visibility absent) {
    if (value == null) {
      return absent;
    }
    StoredCharacter.Visibility v =
        value instanceof String s ? StoredCharacter.Visibility.of(s) : null;
    if (v == null) {
      throw ApiException.badRequest("visibility must be private, unlisted or public");
    }
    return v;
  }

  /** A PNG body, with its signature; BAD_REQUEST otherwise. */
  private static byte[] checkedPng(byte[] png) {
    if (!PngCard.looksLikePng(png)) {
      throw ApiException.badRequest("send the picture as a PNG");
    }
    return png;
  }

  /** A JSON object body; BAD_REQUEST otherwise. */
  static JsonObject jsonObject(Buffer body) {
    try {
      if (body != null
          && io.vertx.core.json.Json.decodeValue(body.toString(StandardCharsets.UTF_8))
              instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // falls through to the error
    }
    throw ApiException.badRequest("send a JSON object");
  }

  private static StoredCharacter withCard(StoredCharacter c, CharacterCard card) {
    return new StoredCharacter(
        c.id(),
        card,
        c.createdBy(),
        c.createdAt(),
        c.hasAvatar(),
        c.ownerId(),
        c.visibility(),
        c.deleted());
  }

  private static StoredCharacter withVisibility(StoredCharacter c, StoredCharacter.Visibility v) {
    return new StoredCharacter(
        c.id(), c.card(), c.createdBy(), c.createdAt(), c.hasAvatar(), c.ownerId(), v, c.deleted());
  }

  private static StoredCharacter withAvatar(StoredCharacter c) {
    return new StoredCharacter(
        c.id(),
        c.card(),
        c.createdBy(),
        c.createdAt(),
        true,
        c.ownerId(),
        c.visibility(),
        c.deleted());
  }
}
