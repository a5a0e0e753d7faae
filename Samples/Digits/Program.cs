return SourceGrad.Samples.Digits.DigitsApp.Run(args);
