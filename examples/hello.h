#define GREETING "hello from a cached object"
