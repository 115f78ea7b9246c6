package chat.nexus.auth;

/**
 * Who is calling: the user id (the token's {@code sub}), a display name, and the login session the token
 * belongs to (null for tokens from an external identity provider).
 */
public record Identity(String userId, String name, String sessionId) {}
