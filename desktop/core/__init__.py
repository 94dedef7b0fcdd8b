"""The Qt-free core: definitions, values, expressions, checks, scoring, interchange."""
