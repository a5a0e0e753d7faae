namespace SourceGrad.Tape; public static class Placeholder { }
