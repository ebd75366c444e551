// The seeded random generator is shared with the environments; tensor users get it with this module.
@_exported import AscentRandom
