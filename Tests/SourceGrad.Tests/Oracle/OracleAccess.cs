using System.Runtime.CompilerServices;

// The tape oracle's in-memory assembly calls the generated gradients, internal ones too (InternalSquare).
[assembly: InternalsVisibleTo(SourceGrad.Tests.Oracle.CatalogueOracle.AssemblyName)]
