package fisher

// CacheError is cacheError for the external tests.
var CacheError = cacheError
