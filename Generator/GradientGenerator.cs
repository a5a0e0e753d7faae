using Microsoft.CodeAnalysis;

namespace SourceGrad.Generator;

[Generator(LanguageNames.CSharp)]
public sealed class GradientGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
