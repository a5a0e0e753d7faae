namespace SourceGrad.Tests.Catalogue;

public class ControlFlowCatalogueTests
{
    private static readonly (double, double) Symmetric = (-2, 2);

    /// <summary>Checked by <see cref="ScalarTableTests"/>.</summary>
    internal static readonly ScalarCase[] Table =
    [
        ScalarCase.Double("Branch", [Symmetric, Symmetric],
            x => ControlFlowCatalogue.Branch(x[0], x[1]),
            (x, d, s) => ControlFlowCatalogue.BranchGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.BranchTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] - x[1]) > 0.1,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.BranchHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("ElseIfChain", [(-3, 3)],
            x => ControlFlowCatalogue.ElseIfChain(x[0]),
            (x, d, s) => ControlFlowCatalogue.ElseIfChainGradient(x[0], ref d[0], s),
            (x, t) => (ControlFlowCatalogue.ElseIfChainTangent(x[0], t[0], out var tangent), tangent),
            accept: x => Math.Abs(Math.Abs(x[0]) - 1) > 0.1,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.ElseIfChainHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("Conditional", [Symmetric, Symmetric],
            x => ControlFlowCatalogue.Conditional(x[0], x[1]),
            (x, d, s) => ControlFlowCatalogue.ConditionalGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.ConditionalTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0]) > 0.1,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.ConditionalHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("NestedConditional", [(-3, 3)],
            x => ControlFlowCatalogue.NestedConditional(x[0]),
            (x, d, s) => ControlFlowCatalogue.NestedConditionalGradient(x[0], ref d[0], s),
            (x, t) => (ControlFlowCatalogue.NestedConditionalTangent(x[0], t[0], out var tangent), tangent),
            accept: x => Math.Abs(Math.Abs(x[0]) - 1) > 0.1,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.NestedConditionalHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Float("ConditionalInsideF", [Symmetric, Symmetric],
            x => ControlFlowCatalogue.ConditionalInsideF(x[0], x[1]),
            (x, d, s) => ControlFlowCatalogue.ConditionalInsideFGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.ConditionalInsideFTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0] - x[1]) > 0.15 && Math.Abs(x[0]) > 0.15,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.ConditionalInsideFHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("EarlyReturn", [Symmetric, Symmetric],
            x => ControlFlowCatalogue.EarlyReturn(x[0], x[1]),
            (x, d, s) => ControlFlowCatalogue.EarlyReturnGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.EarlyReturnTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => Math.Abs(x[0]) > 0.1 && Math.Abs(x[0] * x[1] - 1) > 0.1,
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.EarlyReturnHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("PowerByLoop", [Symmetric],
            x => ControlFlowCatalogue.PowerByLoop(x[0], 5),
            (x, d, s) => ControlFlowCatalogue.PowerByLoopGradient(x[0], 5, ref d[0], s),
            (x, t) => (ControlFlowCatalogue.PowerByLoopTangent(x[0], 5, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.PowerByLoopHessianVector(x[0], 5, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("WhileLoop", [Symmetric],
            x => ControlFlowCatalogue.WhileLoop(x[0]),
            (x, d, s) => ControlFlowCatalogue.WhileLoopGradient(x[0], ref d[0], s),
            (x, t) => (ControlFlowCatalogue.WhileLoopTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.WhileLoopHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("GrowUntil", [(0.5, 3)],
            x => ControlFlowCatalogue.GrowUntil(x[0]),
            (x, d, s) => ControlFlowCatalogue.GrowUntilGradient(x[0], ref d[0], s),
            (x, t) => (ControlFlowCatalogue.GrowUntilTangent(x[0], t[0], out var tangent), tangent),
            accept: x => SameTripCount(x[0]),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.GrowUntilHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("DoLoop", [(0.5, 1.5)],
            x => ControlFlowCatalogue.DoLoop(x[0], 4),
            (x, d, s) => ControlFlowCatalogue.DoLoopGradient(x[0], 4, ref d[0], s),
            (x, t) => (ControlFlowCatalogue.DoLoopTangent(x[0], 4, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.DoLoopHessianVector(x[0], 4, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("DoLoopWithBreak", [(-1, 1)],
            x => ControlFlowCatalogue.DoLoopWithBreak(x[0]),
            (x, d, s) => ControlFlowCatalogue.DoLoopWithBreakGradient(x[0], ref d[0], s),
            (x, t) => (ControlFlowCatalogue.DoLoopWithBreakTangent(x[0], t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.DoLoopWithBreakHessianVector(x[0], v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("IteratedMap", [(-0.5, 0.5), (-0.5, 0.2)],
            x => ControlFlowCatalogue.IteratedMap(x[0], x[1], 6),
            (x, d, s) => ControlFlowCatalogue.IteratedMapGradient(x[0], x[1], 6, ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.IteratedMapTangent(x[0], x[1], 6, t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.IteratedMapHessianVector(x[0], x[1], 6, v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("LogisticMap", [(2.5, 3.2), (0.2, 0.8)],
            x => ControlFlowCatalogue.LogisticMap(x[0], x[1], 8),
            (x, d, s) => ControlFlowCatalogue.LogisticMapGradient(x[0], x[1], 8, ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.LogisticMapTangent(x[0], x[1], 8, t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.LogisticMapHessianVector(x[0], x[1], 8, v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("NewtonSqrt", [(0.5, 4)],
            x => ControlFlowCatalogue.NewtonSqrt(x[0], 6),
            (x, d, s) => ControlFlowCatalogue.NewtonSqrtGradient(x[0], 6, ref d[0], s),
            (x, t) => (ControlFlowCatalogue.NewtonSqrtTangent(x[0], 6, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.NewtonSqrtHessianVector(x[0], 6, v[0], ref d[0], ref hv[0])),
        ScalarCase.Float("IteratedMapF", [(-0.5, 0.5), (-0.5, 0.2)],
            x => ControlFlowCatalogue.IteratedMapF(x[0], x[1], 5),
            (x, d, s) => ControlFlowCatalogue.IteratedMapFGradient(x[0], x[1], 5, ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.IteratedMapFTangent(x[0], x[1], 5, t[0], t[1], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.IteratedMapFHessianVector(x[0], x[1], 5, v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
        ScalarCase.Double("NestedScalarLoops", [(-1, 1)],
            x => ControlFlowCatalogue.NestedScalarLoops(x[0], 4, 3),
            (x, d, s) => ControlFlowCatalogue.NestedScalarLoopsGradient(x[0], 4, 3, ref d[0], s),
            (x, t) => (ControlFlowCatalogue.NestedScalarLoopsTangent(x[0], 4, 3, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.NestedScalarLoopsHessianVector(x[0], 4, 3, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("WhileContinueBreak", [(-1.5, 1.5)],
            x => ControlFlowCatalogue.WhileContinueBreak(x[0], 7),
            (x, d, s) => ControlFlowCatalogue.WhileContinueBreakGradient(x[0], 7, ref d[0], s),
            (x, t) => (ControlFlowCatalogue.WhileContinueBreakTangent(x[0], 7, t[0], out var tangent), tangent),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.WhileContinueBreakHessianVector(x[0], 7, v[0], ref d[0], ref hv[0])),
        ScalarCase.Double("ReturnFromNestedLoop", [(0.5, 1), (20, 200)],
            x => ControlFlowCatalogue.ReturnFromNestedLoop(x[0], x[1]),
            (x, d, s) => ControlFlowCatalogue.ReturnFromNestedLoopGradient(x[0], x[1], ref d[0], ref d[1], s),
            (x, t) => (ControlFlowCatalogue.ReturnFromNestedLoopTangent(x[0], x[1], t[0], t[1], out var tangent), tangent),
            accept: x => SameExit(x[0], x[1]),
            hessianVector: (x, v, d, hv) => ControlFlowCatalogue.ReturnFromNestedLoopHessianVector(x[0], x[1], v[0], v[1], ref d[0], ref d[1], ref hv[0], ref hv[1])),
    ];

    /// <summary>Newton's iteration has converged: its derivative is that of sqrt.</summary>
    [Fact]
    public void NewtonSqrt_derivative_is_that_of_sqrt()
    {
        double dA = 0;
        double root = ControlFlowCatalogue.NewtonSqrtGradient(2.25, 30, ref dA);
        Assert.Equal(1.5, root, 1e-12);
        Assert.Equal(1 / 3.0, dA, 1e-12);
    }

    /// <summary>
    /// The data-dependent loops' trip counts change at isolated points; finite differences must not straddle one.
    /// These replicate the loop conditions only (not the differentiated arithmetic), at the steps' extremes.
    /// </summary>
    private static bool SameTripCount(double x) => GrowUntilSteps(x * 0.99) == GrowUntilSteps(x * 1.01);

    private static int GrowUntilSteps(double x)
    {
        double v = x;
        int steps = 0;
        while (v < 100 && steps < 50)
        {
            v = v * 1.5 + Math.Sqrt(v);
            steps++;
        }

        return steps;
    }

    private static bool SameExit(double x, double threshold) =>
        ReturnFromNestedLoopExit(x * 0.99, threshold * 1.01) == ReturnFromNestedLoopExit(x * 1.01, threshold * 0.99);

    private static int ReturnFromNestedLoopExit(double x, double threshold)
    {
        double s = x;
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                s = s * 1.1 + x * j;
                if (s > threshold) return i * 10 + j;
            }
        }

        return -1;
    }
}
